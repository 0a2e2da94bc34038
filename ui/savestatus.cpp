#include "savestatus.h"

#include <QDir>
#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>

#include "statusprogress.h"
#include "transcriptfiles.h"
#include "transcriptsavejob.h"

SaveStatus::SaveStatus(TranscriptFiles *files, QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_progress(new StatusProgress(statusBar, this))
{
    QProgressBar *progress = m_progress->progressBar();
    progress->setObjectName(QStringLiteral("saveProgress"));
    progress->setAccessibleName(tr("Save progress"));
    progress->setToolTip(tr("How much of the transcript is saved"));
    QToolButton *cancel = m_progress->cancelButton();
    cancel->setObjectName(QStringLiteral("cancelSave"));
    cancel->setAccessibleName(tr("Cancel Save"));
    cancel->setToolTip(tr("Stop saving; a file already there is left as it was (Esc while waiting for the save)"));
    TranscriptFiles::setUsableWhileWaiting(cancel);

    connect(cancel, &QToolButton::clicked, files, &TranscriptFiles::cancelSave);
    connect(files, &TranscriptFiles::saveStarted, this, &SaveStatus::onStarted);
    connect(files->saveJob(), &TranscriptSaveJob::progress, m_progress, &StatusProgress::setProgress);
    connect(files, &TranscriptFiles::saveFinished, m_progress, &StatusProgress::finish);
    connect(files, &TranscriptFiles::statusMessage, statusBar, [statusBar](const QString &text) {
        if (text.isEmpty())
            statusBar->clearMessage();
        else
            statusBar->showMessage(text);
    });
}

QProgressBar *SaveStatus::progressBar() const
{
    return m_progress->progressBar();
}

QToolButton *SaveStatus::cancelButton() const
{
    return m_progress->cancelButton();
}

void SaveStatus::onStarted(const QString &path)
{
    progressBar()->setToolTip(tr("Saving to %1").arg(QDir::toNativeSeparators(path)));
    m_progress->start();
}
