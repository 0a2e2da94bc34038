#pragma once

#include <memory>

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QThreadPool>

class QLabel;
class QProgressBar;
class QStatusBar;
class QToolButton;
class QWidget;
class Transcript;

// Reads a JSONL transcript file (TranscriptIO::open) on a worker thread,
// one file at a time, with its progress in the status bar: a permanent
// field ("Opening name…", a progress bar and Cancel) shown only while
// reading.
//
// Contract: exactly one of opened(), failed() or cancelled() follows each
// open() that returned true. A damaged file is reported by failed() with a
// message naming the file and the line (TranscriptFiles::readErrorMessage);
// nothing of it is kept. After cancel() nothing is opened: the partial
// transcript is dropped on the worker thread. The transcript given to
// opened() lives on the GUI thread and is unmodified.
class TranscriptOpener : public QObject
{
    Q_OBJECT
public:
    // The progress field goes into `statusBar`.
    TranscriptOpener(QStatusBar *statusBar, QObject *parent = nullptr);
    ~TranscriptOpener() override; // cancels and waits for the worker

    // False (nothing started) while another file is being read.
    bool open(const QString &path);
    void cancel();
    bool isBusy() const { return m_busy; }
    QString path() const { return m_path; }

    QWidget *progressField() const { return m_field; }
    QProgressBar *progressBar() const { return m_bar; }
    QToolButton *cancelButton() const { return m_cancel; }

Q_SIGNALS:
    void opened(std::shared_ptr<Transcript> transcript, const QString &path);
    void failed(const QString &path, const QString &message);
    void cancelled(const QString &path);
    // Bytes of the file read so far, of `total`.
    void progress(qint64 done, qint64 total);

private:
    struct Result {
        std::shared_ptr<Transcript> transcript;
        QString error;
    };
    void onFinished();

    QThreadPool m_pool;
    QFutureWatcher<Result> m_watcher;
    QWidget *m_field;
    QLabel *m_label;
    QProgressBar *m_bar;
    QToolButton *m_cancel;
    QString m_path;
    qint64 m_total = 0;
    bool m_busy = false;
};
