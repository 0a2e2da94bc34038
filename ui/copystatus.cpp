#include "copystatus.h"

#include <QProgressBar>
#include <QToolButton>

#include "actionutil.h"
#include "statusprogress.h"
#include "transcriptview.h"

CopyStatus::CopyStatus(TranscriptView *view, QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_progress(new StatusProgress(statusBar, this))
{
    QProgressBar *bar = m_progress->progressBar();
    bar->setObjectName(QStringLiteral("copyProgress"));
    bar->setAccessibleName(tr("Copy progress"));
    bar->setToolTip(tr("How much of the selection is copied"));
    QToolButton *cancel = m_progress->cancelButton();
    cancel->setObjectName(QStringLiteral("cancelCopy"));
    cancel->setAccessibleName(tr("Cancel Copy"));
    cancel->setToolTip(withShortcut(tr("Stop copying; the clipboard is left as it was"), QKeySequence(Qt::Key_Escape)));

    connect(cancel, &QToolButton::clicked, view, &TranscriptView::cancelCopy);
    connect(view, &TranscriptView::copyStarted, m_progress, &StatusProgress::start);
    connect(view, &TranscriptView::copyProgress, m_progress, &StatusProgress::setProgress);
    connect(view, &TranscriptView::copyFinished, m_progress, &StatusProgress::finish);
    connect(view, &QObject::destroyed, m_progress, &StatusProgress::finish);
}
