#pragma once

#include <memory>

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include "transcript.h"

// A read-only view of a Transcript's first entryCount() entries as they were
// when Transcript::snapshot() was called.
//
// Contract: copies are cheap (shared state). A snapshot may be read from any
// thread, one thread per copy at a time, while the Transcript keeps growing
// on its own thread, and it stays readable after the Transcript is
// destroyed. It never sees entries appended after it was taken. Reading
// costs disk I/O, not memory: no accessor returns the whole transcript.
class TranscriptSnapshot
{
public:
    TranscriptSnapshot(); // empty: no entries
    ~TranscriptSnapshot();
    TranscriptSnapshot(const TranscriptSnapshot &);
    TranscriptSnapshot &operator=(const TranscriptSnapshot &);

    QString host() const;
    quint16 port() const;
    QDateTime startTime() const; // UTC; invalid if the transcript never started

    qint64 entryCount() const;
    Transcript::Entry entry(qint64 index) const;
    QByteArray data(qint64 index) const; // empty for events
    // Up to maxLength bytes of one direction's stream, starting at offset;
    // never past totalBytes(direction) as of the snapshot.
    QByteArray read(Transcript::Direction direction, qint64 offset, qint64 maxLength) const;
    qint64 totalBytes(Transcript::Direction direction) const;
    bool hasData() const;

private:
    friend class Transcript;
    struct Data;
    std::shared_ptr<const Data> d;
};
