#include "session.h"

#include <cerrno>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QHostInfo>
#include <QTcpSocket>

#include "logging.h"

Session::Session(QObject *parent)
    : QObject(parent)
{
    m_connectTimer.setSingleShot(true);
    m_idleTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, &Session::onConnectTimeout);
    connect(&m_idleTimer, &QTimer::timeout, this, &Session::onIdleTimeout);
}

Session::~Session()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    releaseSocket();
}

void Session::setConnectTimeout(int ms)
{
    m_connectTimeoutMs = ms > 0 ? ms : defaultConnectTimeoutMs;
}

void Session::setIdleTimeout(int ms)
{
    m_idleTimeoutMs = qMax(0, ms);
    if (m_state == State::Connected)
        restartIdleTimer();
}

bool Session::isActive() const
{
    return m_state != State::Idle && m_state != State::Closed;
}

QString Session::normalizeHost(const QString &host)
{
    const QString trimmed = host.trimmed();
    if (trimmed.size() > 2 && trimmed.startsWith(QLatin1Char('[')) && trimmed.endsWith(QLatin1Char(']'))) {
        const QString inner = trimmed.mid(1, trimmed.size() - 2);
        if (QHostAddress(inner).protocol() == QAbstractSocket::IPv6Protocol)
            return inner;
    }
    return trimmed;
}

QString Session::formatEndpoint(const QHostAddress &address, quint16 port)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

bool Session::connectToHost(const QString &host, quint16 port)
{
    if (isActive())
        return false;

    releaseSocket();
    m_host = normalizeHost(host);
    m_port = port;
    m_addresses.clear();
    m_nextAddress = 0;
    m_lastAttemptError = Error::None;
    m_lastAttemptMessage.clear();
    m_peerAddress.clear();
    m_error = Error::None;
    m_errorString.clear();
    m_endReason = EndReason::None;
    m_bytesSent = 0;
    m_bytesReceived = 0;

    m_transcript = std::make_shared<Transcript>();
    m_transcript->setPeer(m_host, m_port);
    m_transcript->start();
    Q_EMIT transcriptStarted(m_transcript);
    m_transcript->appendEvent(TranscriptEvent::connecting(),
                              m_host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]:%2").arg(m_host).arg(port)
                                                                : QStringLiteral("%1:%2").arg(m_host).arg(port));

    m_connectTimer.start(m_connectTimeoutMs);

    const QHostAddress literal(m_host);
    if (!literal.isNull()) {
        m_addresses = {literal};
        setState(State::Connecting);
        tryNextAddress();
        return true;
    }
    if (m_host.isEmpty()) {
        // Resolve asynchronously anyway, so the failure arrives like any other.
        QTimer::singleShot(0, this, [this] { fail(Error::HostNotFound, errorMessage(Error::HostNotFound)); });
        setState(State::LookingUp);
        return true;
    }
    setState(State::LookingUp);
    m_lookupId = QHostInfo::lookupHost(m_host, this, &Session::onLookedUp);
    return true;
}

void Session::onLookedUp(const QHostInfo &info)
{
    m_lookupId = -1;
    if (m_state != State::LookingUp)
        return;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        fail(Error::HostNotFound, QStringLiteral("Host not found: %1").arg(m_host));
        return;
    }
    m_addresses = info.addresses();
    QStringList names;
    for (const QHostAddress &address : std::as_const(m_addresses))
        names << address.toString();
    m_transcript->appendEvent(TranscriptEvent::lookedUp(), names.join(QLatin1String(", ")));
    Q_EMIT hostResolved(m_addresses);
    setState(State::Connecting);
    tryNextAddress();
}

void Session::tryNextAddress()
{
    if (m_nextAddress >= m_addresses.size()) {
        fail(m_lastAttemptError == Error::None ? Error::SocketError : m_lastAttemptError, m_lastAttemptMessage);
        return;
    }
    releaseSocket();
    const QHostAddress address = m_addresses.at(m_nextAddress++);
    m_peerAddress = address;
    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, &Session::onSocketConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &Session::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &Session::onSocketError);
    connect(m_socket, &QTcpSocket::disconnected, this, &Session::onSocketDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this](qint64 written) {
        m_bytesSent += written;
        restartIdleTimer();
        Q_EMIT bytesWritten(m_bytesSent);
    });
    qCDebug(lcSession) << "connecting to" << address << m_port;
    m_socket->connectToHost(address, m_port);
}

void Session::onSocketConnected()
{
    m_connectTimer.stop();
    // A duplicate of the descriptor outlives Qt's close, so that after the
    // peer goes away we can still ask the kernel whether it was FIN or RST.
    m_shadowFd = ::fcntl(int(m_socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_peerAddress = m_socket->peerAddress();
    m_transcript->appendEvent(TranscriptEvent::connected(), formatEndpoint(m_peerAddress, m_socket->peerPort()));
    setState(State::Connected);
    restartIdleTimer();
    Q_EMIT connected(m_peerAddress, m_socket->peerPort());
}

void Session::onReadyRead()
{
    if (!m_socket)
        return;
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    m_bytesReceived += bytes.size();
    m_transcript->appendData(Transcript::Direction::Received, bytes);
    restartIdleTimer();
    Q_EMIT received(bytes);
}

bool Session::send(const QByteArray &bytes, QString *whyNot)
{
    if (m_state != State::Connected || !m_socket) {
        if (whyNot) {
            *whyNot = m_state == State::Closing ? tr("Not sent: the connection is closing.")
                                                : tr("Not sent: not connected. Connect first.");
        }
        return false;
    }
    if (bytes.isEmpty())
        return true;
    if (m_socket->write(bytes) != bytes.size()) {
        if (whyNot)
            *whyNot = tr("Not sent: %1").arg(m_socket->errorString());
        return false;
    }
    m_transcript->appendData(Transcript::Direction::Sent, bytes);
    restartIdleTimer();
    return true;
}

void Session::disconnectFromHost()
{
    switch (m_state) {
    case State::LookingUp:
    case State::Connecting:
        abort();
        return;
    case State::Connected:
        m_idleTimer.stop();
        m_endReason = EndReason::ClosedByUser;
        m_transcript->appendEvent(TranscriptEvent::disconnected());
        setState(State::Closing);
        // Closed arrives through onSocketDisconnected once pending data is written.
        m_socket->disconnectFromHost();
        return;
    default:
        return;
    }
}

void Session::abort()
{
    if (!isActive())
        return;
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    if (m_endReason == EndReason::None)
        m_transcript->appendEvent(TranscriptEvent::disconnected());
    finish(EndReason::ClosedByUser);
}

bool Session::peerResetConnection() const
{
    if (m_shadowFd < 0)
        return false;
    int soError = 0;
    socklen_t length = sizeof soError;
    if (::getsockopt(m_shadowFd, SOL_SOCKET, SO_ERROR, &soError, &length) == 0 && soError == ECONNRESET)
        return true;
    // After an orderly FIN the socket is in CLOSE_WAIT; a reset moves it to CLOSE.
    struct tcp_info info = {};
    length = sizeof info;
    if (::getsockopt(m_shadowFd, IPPROTO_TCP, TCP_INFO, &info, &length) == 0)
        return info.tcpi_state == TCP_CLOSE;
    return false;
}

void Session::onSocketError()
{
    if (!m_socket)
        return;
    const QAbstractSocket::SocketError socketError = m_socket->error();
    const QString endpoint = formatEndpoint(m_peerAddress, m_port);
    qCDebug(lcSession) << "socket error" << socketError << m_socket->errorString();

    if (m_state == State::Connecting) {
        switch (socketError) {
        case QAbstractSocket::ConnectionRefusedError:
            m_lastAttemptError = Error::ConnectionRefused;
            m_lastAttemptMessage = tr("Connection refused by %1").arg(endpoint);
            break;
        case QAbstractSocket::NetworkError:
            m_lastAttemptError = Error::NetworkUnreachable;
            m_lastAttemptMessage = tr("Network unreachable: %1 (%2)").arg(endpoint, m_socket->errorString());
            break;
        default:
            m_lastAttemptError = Error::SocketError;
            m_lastAttemptMessage = tr("Could not connect to %1: %2").arg(endpoint, m_socket->errorString());
            break;
        }
        // Try the host's next address, if any, within the same connect timeout.
        if (m_nextAddress < m_addresses.size())
            m_transcript->appendEvent(TranscriptEvent::error(), m_lastAttemptMessage);
        QTimer::singleShot(0, this, [this] {
            if (m_state == State::Connecting)
                tryNextAddress();
        });
        return;
    }

    if (m_state != State::Connected && m_state != State::Closing)
        return;

    onReadyRead(); // whatever arrived before the close still belongs to the transcript
    if (socketError == QAbstractSocket::RemoteHostClosedError) {
        if (peerResetConnection()) {
            fail(Error::ResetByPeer, tr("Connection reset by peer %1").arg(endpoint));
        } else if (m_state == State::Closing) {
            finish(EndReason::ClosedByUser);
        } else {
            m_transcript->appendEvent(TranscriptEvent::closedByPeer());
            finish(EndReason::ClosedByPeer);
        }
        return;
    }
    fail(Error::SocketError, tr("Socket error with %1: %2").arg(endpoint, m_socket->errorString()));
}

void Session::onSocketDisconnected()
{
    if (m_state == State::Closing) {
        onReadyRead();
        finish(EndReason::ClosedByUser);
    } else if (m_state == State::Connected) {
        // Qt reports a peer's close through errorOccurred first; this is the
        // fallback should it ever not.
        onReadyRead();
        m_transcript->appendEvent(TranscriptEvent::closedByPeer());
        finish(EndReason::ClosedByPeer);
    }
}

void Session::onConnectTimeout()
{
    if (m_state != State::LookingUp && m_state != State::Connecting)
        return;
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    const double seconds = m_connectTimeoutMs / 1000.0;
    fail(Error::ConnectTimeout, tr("Connect to %1 port %2 timed out after %3 s")
                                    .arg(m_host)
                                    .arg(m_port)
                                    .arg(seconds, 0, 'g', 3));
}

void Session::onIdleTimeout()
{
    if (m_state != State::Connected)
        return;
    m_transcript->appendEvent(TranscriptEvent::idleTimeout(),
                              tr("no data for %1 ms").arg(m_idleTimeoutMs));
    finish(EndReason::IdleTimeout);
}

void Session::restartIdleTimer()
{
    if (m_idleTimeoutMs > 0 && m_state == State::Connected)
        m_idleTimer.start(m_idleTimeoutMs);
}

void Session::fail(Error error, const QString &message)
{
    if (!isActive())
        return;
    m_error = error;
    m_errorString = message.isEmpty() ? errorMessage(error) : message;
    m_transcript->appendEvent(TranscriptEvent::error(), m_errorString);
    Q_EMIT errorOccurred(m_error, m_errorString);
    finish(EndReason::Error);
}

void Session::finish(EndReason reason)
{
    if (!isActive())
        return;
    m_connectTimer.stop();
    m_idleTimer.stop();
    if (m_socket)
        onReadyRead();
    releaseSocket();
    m_endReason = reason;
    setState(State::Closed);
    Q_EMIT finished(reason);
}

void Session::releaseSocket()
{
    if (m_socket) {
        QTcpSocket *socket = m_socket;
        m_socket = nullptr;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
    if (m_shadowFd >= 0) {
        ::close(m_shadowFd);
        m_shadowFd = -1;
    }
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

QString Session::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return tr("Idle");
    case State::LookingUp:
        return tr("Looking up host");
    case State::Connecting:
        return tr("Connecting");
    case State::Connected:
        return tr("Connected");
    case State::Closing:
        return tr("Closing");
    case State::Closed:
        return tr("Closed");
    }
    return QString();
}

QString Session::errorMessage(Error error)
{
    switch (error) {
    case Error::None:
        return QString();
    case Error::HostNotFound:
        return tr("Host not found");
    case Error::ConnectionRefused:
        return tr("Connection refused");
    case Error::NetworkUnreachable:
        return tr("Network unreachable");
    case Error::ConnectTimeout:
        return tr("Connect timed out");
    case Error::ResetByPeer:
        return tr("Connection reset by peer");
    case Error::SocketError:
        return tr("Socket error");
    }
    return QString();
}
