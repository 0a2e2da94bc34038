#include "recordingstatus.h"

#include <QLabel>
#include <QStatusBar>

#include "session.h"
#include "transcript.h"

RecordingStatus::RecordingStatus(Session *session, QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_label(new QLabel(tr("Not recording"), statusBar))
{
    m_label->setObjectName(QStringLiteral("statusRecording"));
    m_label->setTextFormat(Qt::PlainText);
    m_label->setAccessibleName(tr("Recording: stopped"));
    m_label->setStyleSheet(QStringLiteral("QLabel { font-weight: bold; }"));
    statusBar->addPermanentWidget(m_label);
    m_label->hide();
    connect(session, &Session::transcriptStarted, this, &RecordingStatus::setTranscript);
}

void RecordingStatus::setTranscript(const std::shared_ptr<Transcript> &transcript)
{
    disconnect(m_connection);
    m_label->hide();
    if (!transcript)
        return;
    m_connection = connect(transcript.get(), &Transcript::recordingStopped, this, [this](const QString &reason) {
        show(reason);
        Q_EMIT stopped(tr("Recording stopped: %1. The connection goes on; what arrives now is not kept.").arg(reason));
    });
    if (!transcript->isRecording() && !transcript->recordingError().isEmpty())
        show(transcript->recordingError());
}

void RecordingStatus::show(const QString &reason)
{
    const QString why = tr("The transcript stopped recording: %1. Everything recorded before is kept.").arg(reason);
    m_label->setToolTip(why);
    m_label->setAccessibleDescription(why);
    m_label->show();
}
