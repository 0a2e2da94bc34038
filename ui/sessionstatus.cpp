#include "sessionstatus.h"

#include <QLabel>
#include <QLocale>
#include <QStatusBar>

namespace {

QLabel *makeLabel(QStatusBar *bar, const QString &objectName, const QString &accessibleName,
                  const QString &toolTip, bool separatorBefore = true)
{
    if (separatorBefore) {
        auto *line = new QFrame(bar);
        line->setFrameShape(QFrame::VLine);
        line->setFrameShadow(QFrame::Sunken);
        bar->addPermanentWidget(line);
    }
    auto *label = new QLabel(bar);
    label->setObjectName(objectName);
    label->setAccessibleName(accessibleName);
    label->setToolTip(toolTip);
    label->setTextFormat(Qt::PlainText);
    bar->addPermanentWidget(label);
    return label;
}

} // namespace

SessionStatus::SessionStatus(Session *session, QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_statusBar(statusBar)
{
    m_state = makeLabel(statusBar, QStringLiteral("statusState"), tr("Connection state"),
                        tr("State of the connection"), false);
    m_remote = makeLabel(statusBar, QStringLiteral("statusRemote"), tr("Remote address"),
                         tr("The address and port connected to"));
    m_bytes = makeLabel(statusBar, QStringLiteral("statusBytes"), tr("Bytes sent and received"),
                        tr("Bytes sent (out) and received (in) on this connection"));
    m_elapsed = makeLabel(statusBar, QStringLiteral("statusElapsed"), tr("Connection time"),
                          tr("Time since the connection was established"));

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &SessionStatus::updateElapsed);
    connect(session, &Session::stateChanged, this, &SessionStatus::onStateChanged);
    connect(session, &Session::errorOccurred, this, &SessionStatus::onError);
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

QString SessionStatus::errorText(const Session &session, Session::Error error, const QString &detail)
{
    const QString host = session.host();
    const QHostAddress literal(host);
    const QHostAddress peer = !session.peerAddress().isNull() ? session.peerAddress() : literal;
    const QString endpoint = !peer.isNull() ? Session::formatEndpoint(peer, session.port())
                                            : host + QLatin1Char(':') + QString::number(session.port());
    switch (error) {
    case Session::Error::None:
        return QString();
    case Session::Error::HostNotFound:
        return tr("Host not found: %1").arg(host);
    case Session::Error::ConnectionRefused:
        return tr("Connection refused by %1").arg(endpoint);
    case Session::Error::NetworkUnreachable:
        return tr("Network unreachable: %1").arg(endpoint);
    case Session::Error::ConnectTimeout: {
        const int ms = session.connectTimeout();
        const QString seconds = ms % 1000 == 0 ? QString::number(ms / 1000)
                                               : QLocale().toString(ms / 1000.0, 'f', 1);
        return tr("Connect timed out after %1 s").arg(seconds);
    }
    case Session::Error::ResetByPeer:
        return tr("Connection reset by %1").arg(endpoint);
    case Session::Error::SocketError:
        break;
    }
    return detail.isEmpty() ? tr("Connection error with %1").arg(endpoint)
                            : tr("Connection error with %1: %2").arg(endpoint, detail);
}

QString SessionStatus::formatElapsed(qint64 ms)
{
    const qint64 seconds = ms / 1000;
    return QStringLiteral("%1:%2:%3")
        .arg(seconds / 3600, 2, 10, QLatin1Char('0'))
        .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

void SessionStatus::onStateChanged(Session::State state)
{
    m_state->setText(Session::stateName(state));
    switch (state) {
    case Session::State::LookingUp:
    case Session::State::Connecting:
        m_elapsedMs = 0;
        m_tick.stop();
        m_statusBar->showMessage(tr("Connecting to %1:%2...").arg(m_session->host()).arg(m_session->port()));
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

void SessionStatus::onError(Session::Error error, const QString &message)
{
    // Stays until replaced: an error must not vanish before it is read.
    m_statusBar->showMessage(errorText(*m_session, error, message));
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
    case Session::EndReason::Error: // onError said it
    case Session::EndReason::None:
        break;
    }
}

void SessionStatus::updateBytes()
{
    const QLocale locale;
    m_bytes->setText(tr("Out: %1  In: %2")
                         .arg(locale.formattedDataSize(m_session->bytesSent(), 1, QLocale::DataSizeTraditionalFormat),
                              locale.formattedDataSize(m_session->bytesReceived(), 1,
                                                       QLocale::DataSizeTraditionalFormat)));
}

void SessionStatus::updateElapsed()
{
    const qint64 ms = m_tick.isActive() ? m_connectedFor.elapsed() : m_elapsedMs;
    m_elapsed->setText(formatElapsed(ms));
}

void SessionStatus::updateRemote()
{
    const Session::State state = m_session->state();
    if (state == Session::State::Idle && m_session->host().isEmpty()) {
        m_remote->setText(tr("Not connected"));
        return;
    }
    const QHostAddress peer = m_session->peerAddress();
    if (!peer.isNull())
        m_remote->setText(Session::formatEndpoint(peer, m_session->port()));
    else
        m_remote->setText(m_session->host() + QLatin1Char(':') + QString::number(m_session->port()));
}
