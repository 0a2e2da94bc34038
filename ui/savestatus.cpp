#include "savestatus.h"

#include <QDir>
#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>

#include "transcriptfiles.h"
#include "transcriptsavejob.h"

namespace {

constexpr int steps = 1000; // the bar's range: QProgressBar counts in int

} // namespace

SaveStatus::SaveStatus(TranscriptFiles *files, QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_files(files)
    , m_statusBar(statusBar)
    , m_progress(new QProgressBar(statusBar))
    , m_cancel(new QToolButton(statusBar))
{
    m_progress->setObjectName(QStringLiteral("saveProgress"));
    m_progress->setAccessibleName(tr("Save progress"));
    m_progress->setRange(0, steps);
    m_progress->setTextVisible(true);
    m_progress->setToolTip(tr("How much of the transcript is saved"));
    m_progress->setMaximumWidth(m_progress->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 12);
    m_cancel->setObjectName(QStringLiteral("cancelSave"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setAccessibleName(tr("Cancel Save"));
    m_cancel->setToolTip(tr("Stop saving; a file already there is left as it was (Esc while waiting for the save)"));
    m_cancel->setAutoRaise(true);
    TranscriptFiles::setUsableWhileWaiting(m_cancel);
    // Leftmost of the permanent fields: a status message does not hide them.
    statusBar->insertPermanentWidget(0, m_progress);
    statusBar->insertPermanentWidget(1, m_cancel);
    m_progress->hide();
    m_cancel->hide();

    connect(m_cancel, &QToolButton::clicked, files, &TranscriptFiles::cancelSave);
    connect(files, &TranscriptFiles::saveStarted, this, &SaveStatus::onStarted);
    connect(files->saveJob(), &TranscriptSaveJob::progress, this, &SaveStatus::onProgress);
    connect(files, &TranscriptFiles::saveFinished, this, &SaveStatus::onFinished);
    connect(files, &TranscriptFiles::statusMessage, statusBar, [statusBar](const QString &text) {
        if (text.isEmpty())
            statusBar->clearMessage();
        else
            statusBar->showMessage(text);
    });
}

void SaveStatus::onStarted(const QString &path)
{
    m_progress->setValue(0);
    m_progress->setToolTip(tr("Saving to %1").arg(QDir::toNativeSeparators(path)));
    m_progress->show();
    m_cancel->show();
}

void SaveStatus::onProgress(qint64 done, qint64 total)
{
    m_progress->setValue(total > 0 ? int(double(done) / double(total) * steps) : steps);
}

void SaveStatus::onFinished()
{
    m_progress->hide();
    m_cancel->hide();
}
