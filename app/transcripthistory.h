#pragma once

#include <memory>

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

class Transcript;

// The autosaved transcripts: one store folder per session under folder()
// (by default <AppDataLocation>/transcripts, mode 0700; every file in it
// 0600). See docs/transcript-store.md.
//
// Contract: never blocks on the network; listing reads only each store's
// small metadata file. A store being recorded by a live process is
// "active" and is never removed or recovered; a store whose recording
// process ended without closing it (a crash, a kill) is "recovered": its
// complete entries are kept and the partial tail, if any, dropped.
class TranscriptHistory
{
public:
    struct Item {
        QString id;   // the store folder's name, stable
        QString path; // the store folder
        QString host;
        quint16 port = 0;
        QDateTime startTime; // UTC
        QDateTime endTime;   // UTC; invalid while active or after a crash
        qint64 bytesSent = 0;
        qint64 bytesReceived = 0;
        qint64 diskSize = 0;    // bytes the store takes on disk
        bool active = false;    // being recorded now, by this or another process
        bool recovered = false; // its process ended without closing it
    };

    struct Limits {
        int maxCount = 50;
        qint64 maxBytes = 2LL * 1024 * 1024 * 1024;
    };

    explicit TranscriptHistory(const QString &folder = defaultFolder());
    static QString defaultFolder();
    QString folder() const { return m_folder; }

    // Newest first.
    QList<Item> items() const;
    // A new transcript recording into a new store in folder(), kept when the
    // Transcript is destroyed. On failure (folder not writable...) a
    // temporary Transcript() instead, and errorMessage says why.
    std::shared_ptr<Transcript> createTranscript(const QString &host, quint16 port,
                                                 QString *errorMessage = nullptr) const;
    // Opens a kept store read-only. Null with a message on failure.
    std::shared_ptr<Transcript> open(const QString &id, QString *errorMessage) const;
    bool remove(const QString &id, QString *errorMessage) const;
    // Removes the oldest inactive stores until both limits hold; returns the
    // ids removed.
    QStringList enforce(const Limits &limits) const;

private:
    QString m_folder;
};
