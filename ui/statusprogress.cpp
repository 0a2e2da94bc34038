#include "statusprogress.h"

#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>

namespace {

constexpr int steps = 1000; // the bar's range: QProgressBar counts in int

} // namespace

StatusProgress::StatusProgress(QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_progress(new QProgressBar(statusBar))
    , m_cancel(new QToolButton(statusBar))
{
    m_progress->setRange(0, steps);
    m_progress->setTextVisible(true);
    m_progress->setMaximumWidth(m_progress->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 12);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setAutoRaise(true);
    statusBar->insertPermanentWidget(0, m_progress);
    statusBar->insertPermanentWidget(1, m_cancel);
    m_progress->hide();
    m_cancel->hide();
}

void StatusProgress::start()
{
    if (!m_progress || !m_cancel)
        return;
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
}

void StatusProgress::setProgress(qint64 done, qint64 total)
{
    if (m_progress)
        m_progress->setValue(total > 0 ? int(double(done) / double(total) * steps) : steps);
}

void StatusProgress::finish()
{
    if (m_progress)
        m_progress->hide();
    if (m_cancel)
        m_cancel->hide();
}
