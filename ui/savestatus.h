#pragma once

#include <QObject>

class QProgressBar;
class QStatusBar;
class QToolButton;
class TranscriptFiles;

// A window's view of TranscriptFiles' background save, in its status bar:
// a progress bar (accessible name "Save progress") and a Cancel button
// ("Cancel Save"), shown only while a save runs, and the save's status
// messages (TranscriptFiles::statusMessage()). The Cancel button stays
// usable while TranscriptFiles::waitForSave() blocks other input.
class SaveStatus : public QObject
{
    Q_OBJECT
public:
    SaveStatus(TranscriptFiles *files, QStatusBar *statusBar, QObject *parent = nullptr);

    QProgressBar *progressBar() const { return m_progress; }
    QToolButton *cancelButton() const { return m_cancel; }

private:
    void onStarted(const QString &path);
    void onProgress(qint64 done, qint64 total);
    void onFinished();

    TranscriptFiles *m_files;
    QStatusBar *m_statusBar;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
};
