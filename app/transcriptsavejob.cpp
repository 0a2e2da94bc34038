#include "transcriptsavejob.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

TranscriptSaveJob::TranscriptSaveJob(QObject *parent)
    : QObject(parent)
{
}

TranscriptSaveJob::~TranscriptSaveJob()
{
    if (m_thread) {
        m_cancel = true;
        m_thread->wait();
        // Its last posted events die with this object.
    }
}

bool TranscriptSaveJob::start(const TranscriptSnapshot &snapshot, TranscriptIO::Format format, const QString &path)
{
    if (m_thread)
        return false;
    m_format = format;
    m_path = path;
    m_total = TranscriptIO::progressTotal(snapshot, format);
    m_done = 0;
    m_bytesWritten = 0;
    m_cancel = false;
    // The worker reads its own copy (one thread per copy, as
    // TranscriptSnapshot requires).
    m_thread.reset(QThread::create([this, snapshot] { run(snapshot); }));
    m_thread->setObjectName(QStringLiteral("TranscriptSaveJob"));
    m_thread->start();
    return true;
}

void TranscriptSaveJob::cancel()
{
    if (m_thread)
        m_cancel = true;
}

// On the worker thread: reads only what start() set before the thread
// started, and posts its results to this object's thread.
void TranscriptSaveJob::run(const TranscriptSnapshot &snapshot)
{
    constexpr qint64 intervalMs = 50;
    QElapsedTimer sinceReport;
    sinceReport.start();
    qint64 reported = -1;
    const TranscriptIO::Progress onProgress = [this, &sinceReport, &reported](qint64 done,
                                                                                         qint64 total) {
        if (m_cancel)
            return false;
        if (done != reported && (done == total || reported < 0 || sinceReport.elapsed() >= intervalMs)) {
            reported = done;
            sinceReport.restart();
            QMetaObject::invokeMethod(
                this,
                [this, done, total] {
                    m_done = done;
                    Q_EMIT progress(done, total);
                },
                Qt::QueuedConnection);
        }
        return true;
    };
    QString message;
    const bool ok = TranscriptIO::save(snapshot, m_format, m_path, &message, onProgress);
    const bool cancelled = !ok && m_cancel;
    const qint64 written = ok ? QFileInfo(m_path).size() : 0;
    QMetaObject::invokeMethod(
        this, [this, ok, message, cancelled, written] { onWorkerDone(ok, message, cancelled, written); },
        Qt::QueuedConnection);
}

void TranscriptSaveJob::onWorkerDone(bool ok, const QString &message, bool cancelled, qint64 bytesWritten)
{
    m_thread->wait(); // returns at once: run() has posted this as its last act
    m_thread.reset();
    m_bytesWritten = bytesWritten;
    Q_EMIT finished(ok, message, cancelled);
}
