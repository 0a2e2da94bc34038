#include "transcriptopener.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPromise>
#include <QStatusBar>
#include <QStyle>
#include <QThread>
#include <QToolButton>

#include "transcript.h"
#include "transcriptfiles.h"
#include "transcriptio.h"

namespace {

constexpr int progressScale = 1000; // the bar's range: per mille of the file

} // namespace

TranscriptOpener::TranscriptOpener(QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_field(new QWidget(statusBar))
    , m_label(new QLabel(m_field))
    , m_bar(new QProgressBar(m_field))
    , m_cancel(new QToolButton(m_field))
{
    m_pool.setMaxThreadCount(1);

    m_field->setObjectName(QStringLiteral("openProgress"));
    m_label->setObjectName(QStringLiteral("openProgressLabel"));
    m_bar->setObjectName(QStringLiteral("openProgressBar"));
    m_bar->setAccessibleName(tr("Opening progress"));
    m_bar->setRange(0, progressScale);
    m_bar->setTextVisible(false);
    m_bar->setMaximumWidth(m_bar->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 12);
    m_cancel->setObjectName(QStringLiteral("openCancel"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setIcon(m_cancel->style()->standardIcon(QStyle::SP_DialogCancelButton));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancel->setAutoRaise(true);
    m_cancel->setAccessibleName(tr("Cancel opening"));
    m_cancel->setToolTip(tr("Stop reading the file; nothing of it is opened"));
    connect(m_cancel, &QToolButton::clicked, this, &TranscriptOpener::cancel);

    auto *layout = new QHBoxLayout(m_field);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    statusBar->addPermanentWidget(m_field);
    m_field->hide();

    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, this, [this](int value) {
        m_bar->setValue(value);
        Q_EMIT progress(m_total * value / progressScale, m_total);
    });
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &TranscriptOpener::onFinished);
}

TranscriptOpener::~TranscriptOpener()
{
    m_watcher.disconnect(this);
    m_watcher.cancel();
    m_pool.waitForDone();
}

bool TranscriptOpener::open(const QString &path)
{
    if (m_busy)
        return false;
    m_busy = true;
    m_path = path;
    m_total = QFileInfo(path).size();
    const QString name = QFileInfo(path).fileName();
    m_label->setText(tr("Opening %1\u2026").arg(name));
    m_field->setAccessibleName(tr("Opening %1").arg(name));
    m_field->setToolTip(path);
    m_bar->setValue(0);
    m_field->show();

    auto promise = std::make_shared<QPromise<Result>>();
    promise->setProgressRange(0, progressScale);
    m_watcher.setFuture(promise->future());
    QThread *guiThread = thread();
    const qint64 total = m_total;
    m_pool.start([promise, path, total, guiThread] {
        promise->start();
        Result result;
        auto transcript = std::make_shared<Transcript>();
        TranscriptIO::ReadError error;
        const bool read = TranscriptIO::open(path, transcript.get(), &error, [&promise, total](qint64 done) {
            if (promise->isCanceled())
                return false;
            if (total > 0)
                promise->setProgressValue(int(qMin<qint64>(progressScale, done * progressScale / total)));
            return true;
        });
        if (promise->isCanceled() || error.cancelled) {
            promise->finish(); // no result: cancelled
            return;
        }
        if (read) {
            transcript->setModified(false);
            transcript->moveToThread(guiThread);
            result.transcript = std::move(transcript);
        } else {
            result.error = TranscriptFiles::readErrorMessage(path, error);
        }
        promise->addResult(std::move(result));
        promise->finish();
    });
    return true;
}

void TranscriptOpener::cancel()
{
    if (m_busy)
        m_watcher.cancel();
}

void TranscriptOpener::onFinished()
{
    if (!m_busy)
        return; // the empty future set below
    m_busy = false;
    m_field->hide();
    const QString path = m_path;
    if (m_watcher.isCanceled() || m_watcher.future().resultCount() == 0) {
        Q_EMIT cancelled(path);
        return;
    }
    const Result result = m_watcher.result();
    m_watcher.setFuture(QFuture<Result>()); // drops the shared result
    if (result.transcript)
        Q_EMIT opened(result.transcript, path);
    else
        Q_EMIT failed(path, result.error);
}
