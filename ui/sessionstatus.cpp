#include "sessionstatus.h"

#include <QLabel>
#include <QLocale>
#include <QStatusBar>

#include "announce.h"
#include "statusfield.h"

namespace {

// Shows `value` and names the label after it, so that a screen reader
// reads the value, not only what it is.
void setValue(QLabel *label, const QString &value, const QString &accessibleName)
{
    label->setText(value);
    Announce::setName(label, accessibleName);
}

} // namespace

SessionStatus::SessionStatus(Session *session, QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_statusBar(statusBar)
{
    m_state = addStatusField(statusBar, QStringLiteral("statusState"), tr("State of the connection"), false);
    m_remote = addStatusField(statusBar, QStringLiteral("statusRemote"), tr("The address and port connected to"));
    m_bytes = addStatusField(statusBar, QStringLiteral("statusBytes"),
                             tr("Bytes sent (out) and received (in) on this connection"));
    m_elapsed = addStatusField(statusBar, QStringLiteral("statusElapsed"), tr("Time since the connection was established"));

    // QStatusBar paints its message itself: its name carries it instead.
    const auto nameStatusBar = [statusBar](const QString &message) {
        Announce::setName(statusBar, message.isEmpty() ? tr("Status") : tr("Status: %1").arg(message));
    };
    nameStatusBar(statusBar->currentMessage());
    connect(statusBar, &QStatusBar::messageChanged, this, nameStatusBar);

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &SessionStatus::updateElapsed);
    connect(session, &Session::stateChanged, this, &SessionStatus::onStateChanged);
    // Word for word what the session says, as the transcript records it.
    connect(session, &Session::errorOccurred, this,
            [this](Session::Error, const QString &message) { showError(message); });
    connect(session, &Session::finished, this, &SessionStatus::onFinished);
    // Counters change per chunk: redraw them at most ten times a second.
    m_bytesThrottle.setSingleShot(true);
    m_bytesThrottle.setInterval(100);
    connect(&m_bytesThrottle, &QTimer::timeout, this, &SessionStatus::updateBytes);
    const auto bytesChanged = [this] {
        if (!m_bytesThrottle.isActive())
            m_bytesThrottle.start();
    };
    connect(session, &Session::received, this, bytesChanged);
    connect(session, &Session::bytesWritten, this, bytesChanged);
    connect(session, &Session::connected, this, &SessionStatus::updateRemote);
    connect(session, &Session::hostResolved, this, &SessionStatus::updateRemote);

    onStateChanged(session->state());
}

QString SessionStatus::formatElapsed(qint64 ms)
{
    const qint64 seconds = ms / 1000;
    return QStringLiteral("%1:%2:%3")
        .arg(seconds / 3600, 2, 10, QLatin1Char('0'))
        .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

QString SessionStatus::formatBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

void SessionStatus::showError(const QString &text)
{
    // Stays until replaced: an error must not vanish before it is read.
    m_statusBar->showMessage(text);
    Announce::alert(m_statusBar);
}

void SessionStatus::onStateChanged(Session::State state)
{
    const QString name = Session::stateName(state);
    setValue(m_state, name, tr("State: %1").arg(name));
    switch (state) {
    case Session::State::LookingUp:
    case Session::State::Connecting:
        m_elapsedMs = 0;
        m_tick.stop();
        m_statusBar->showMessage(
            tr("Connecting to %1...").arg(Session::formatEndpoint(m_session->host(), m_session->port())));
        break;
    case Session::State::Handshaking:
        m_statusBar->showMessage(tr("TLS handshake with %1...").arg(Session::formatEndpoint(m_session->host(), m_session->port())));
        break;
    case Session::State::Connected:
        m_connectedFor.start();
        m_tick.start();
        m_statusBar->clearMessage();
        break;
    case Session::State::Closing:
    case Session::State::Closed:
    case Session::State::Idle:
        if (m_tick.isActive())
            m_elapsedMs = m_connectedFor.elapsed();
        m_tick.stop();
        break;
    }
    updateRemote();
    updateBytes();
    updateElapsed();
}

void SessionStatus::onFinished(Session::EndReason reason)
{
    switch (reason) {
    case Session::EndReason::ClosedByPeer:
        m_statusBar->showMessage(tr("Connection closed by the peer"));
        break;
    case Session::EndReason::ClosedByUser:
        m_statusBar->showMessage(tr("Disconnected"));
        break;
    case Session::EndReason::IdleTimeout:
        m_statusBar->showMessage(tr("Closed after the idle timeout"));
        break;
    case Session::EndReason::Error: // errorOccurred said it
    case Session::EndReason::None:
        break;
    }
}

void SessionStatus::updateBytes()
{
    const QString sent = formatBytes(m_session->bytesSent());
    const QString received = formatBytes(m_session->bytesReceived());
    setValue(m_bytes, tr("Out: %1  In: %2").arg(sent, received), tr("Sent: %1, received: %2").arg(sent, received));
}

void SessionStatus::updateElapsed()
{
    const qint64 ms = m_tick.isActive() ? m_connectedFor.elapsed() : m_elapsedMs;
    const QString elapsed = formatElapsed(ms);
    setValue(m_elapsed, elapsed, tr("Connection time: %1").arg(elapsed));
}

void SessionStatus::updateRemote()
{
    QString remote;
    if (m_session->state() == Session::State::Idle && m_session->host().isEmpty())
        remote = tr("Not connected");
    else if (!m_session->peerAddress().isNull())
        remote = Session::formatEndpoint(m_session->peerAddress(), m_session->port());
    else
        remote = Session::formatEndpoint(m_session->host(), m_session->port());
    setValue(m_remote, remote, tr("Remote: %1").arg(remote));
}
