#pragma once

#include <QObject>

class QProgressBar;
class QStatusBar;
class QToolButton;
class StatusProgress;
class TranscriptFiles;

// A window's view of TranscriptFiles' background save, in its status bar:
// a progress bar (accessible name "Save progress") and a Cancel button
// ("Cancel Save"), a StatusProgress shown only while a save runs, and the save's status
// messages (TranscriptFiles::statusMessage()). The Cancel button stays
// usable while TranscriptFiles::waitForSave() blocks other input.
class SaveStatus : public QObject
{
    Q_OBJECT
public:
    SaveStatus(TranscriptFiles *files, QStatusBar *statusBar, QObject *parent = nullptr);

    QProgressBar *progressBar() const;
    QToolButton *cancelButton() const;

private:
    void onStarted(const QString &path);

    StatusProgress *m_progress;
};
