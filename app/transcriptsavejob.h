#pragma once

#include <atomic>
#include <memory>

#include <QObject>
#include <QString>

#include "transcriptio.h"
#include "transcriptsnapshot.h"

class QThread;

// Saves a TranscriptSnapshot to a file on a worker thread, through
// TranscriptIO::save(): byte for byte what the synchronous save writes,
// mode 0600, and an existing file left exactly as it was when the save
// fails or is cancelled.
//
// Contract: after start() returns true, isRunning() stays true until
// finished() is emitted, exactly once, on the job's thread. progress() comes
// before it, at most about twenty times a second, `done` never decreasing,
// the last one with done == total (unless the save failed or was cancelled).
// Destroying a running job cancels it and waits for the worker to stop,
// without emitting finished().
class TranscriptSaveJob : public QObject
{
    Q_OBJECT
public:
    explicit TranscriptSaveJob(QObject *parent = nullptr);
    ~TranscriptSaveJob() override;

    // Starts saving `snapshot` to `path`. False (and nothing starts) while a
    // save is running.
    bool start(const TranscriptSnapshot &snapshot, TranscriptIO::Format format, const QString &path);
    // Asks the running save to stop; finished() follows with cancelled set,
    // or with ok set if the save had already written everything.
    void cancel();

    bool isRunning() const { return m_thread != nullptr; }
    // Of the running or last save. (The snapshot is released when the
    // save ends.)
    TranscriptIO::Format format() const { return m_format; }
    QString path() const { return m_path; }
    qint64 total() const { return m_total; } // TranscriptIO::progressTotal()
    qint64 done() const { return m_done; }   // as last reported by progress()
    qint64 bytesWritten() const { return m_bytesWritten; } // size of the file saved; 0 unless saved

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    // ok: the file is complete. Otherwise `message` names the file and the
    // reason ("Cannot save FILE: ..."), and `cancelled` tells a cancel.
    void finished(bool ok, const QString &message, bool cancelled);

private:
    void run(const TranscriptSnapshot &snapshot);
    void onWorkerDone(bool ok, const QString &message, bool cancelled, qint64 bytesWritten);

    std::unique_ptr<QThread> m_thread;
    std::atomic<bool> m_cancel{false};
    TranscriptIO::Format m_format = TranscriptIO::Format::Raw;
    QString m_path;
    qint64 m_total = 0;
    qint64 m_done = 0;
    qint64 m_bytesWritten = 0;
};
