#include "session.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QHostInfo>
#include <QPointer>
#include <QSslSocket>

#include "logging.h"
#include "netsupport.h"
#include "tlsconfig.h"

namespace {

// Qt's buffer of a directly read socket. Qt still reads (poll, FIONREAD,
// read) to announce readyRead; readDirectly() reads the rest. One byte
// keeps that read, and the copy out of Qt's buffer, negligible.
constexpr qint64 qtReadBufferSize = 1;

} // namespace

Session::Session(QObject *parent)
    : QObject(parent)
{
    m_connectTimer.setSingleShot(true);
    m_idleTimer.setSingleShot(true);
    m_closeTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, &Session::onConnectTimeout);
    connect(&m_idleTimer, &QTimer::timeout, this, &Session::onIdleTimeout);
    connect(&m_closeTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Closing)
            abort(tr("the peer did not take the remaining data within %1 ms").arg(m_connectTimeoutMs));
    });
}

Session::~Session()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    releaseSocket();
}

template<typename Function>
void Session::later(Function function)
{
    const quint64 generation = m_generation;
    QTimer::singleShot(0, this, [this, generation, function] {
        if (generation == m_generation)
            function();
    });
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

qint64 Session::bytesToWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
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

QString Session::formatEndpoint(const QString &host, quint16 port)
{
    if (host.contains(QLatin1Char(':')) && !host.startsWith(QLatin1Char('[')))
        return QStringLiteral("[%1]:%2").arg(host).arg(port);
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

QString Session::formatEndpoint(const QHostAddress &address, quint16 port)
{
    return formatEndpoint(address.toString(), port);
}

bool Session::connectToHost(const QString &host, quint16 port)
{
    if (isActive())
        return false;

    releaseSocket();
    ++m_generation;
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
    m_activeOptions = m_options;
    m_tlsDetails = TlsDetails();
    m_tlsProblems.clear();
    m_rejectedChain.clear();
    m_smtp.reset();
    m_tlsEstablished = false;
    m_lastSendError = Error::None;
    m_finishSending = m_halfClosed = false;

    m_transcript = m_transcriptFactory ? m_transcriptFactory(m_host, m_port) : nullptr;
    if (!m_transcript)
        m_transcript = std::make_shared<Transcript>();
    m_transcript->setPeer(m_host, m_port);
    m_transcript->start();
    m_transcript->appendEvent(TranscriptEvent::connecting(), formatEndpoint(m_host, port));
    m_connectTimer.start(m_connectTimeoutMs);
    chooseProxy();

    const quint64 generation = m_generation;
    const QHostAddress literal(m_host);
    const State first = literal.isNull() && !isProxied() ? State::LookingUp : State::Connecting;
    m_state = first;
    Q_EMIT transcriptStarted(m_transcript);
    if (generation != m_generation || m_state != first)
        return true;
    Q_EMIT stateChanged(first);
    if (generation != m_generation || m_state != first)
        return true;

    if (isProxied()) {
        tryNextAddress(); // the proxy looks the name up
    } else if (!literal.isNull()) {
        m_addresses = {literal};
        if (NetSupport::isUsable(literal, m_activeOptions))
            tryNextAddress();
        else
            later([this] { fail(Error::HostNotFound, NetSupport::noUsableAddressMessage(m_host, m_addresses, m_activeOptions)); });
    } else if (m_host.isEmpty()) {
        later([this] { onLookedUp({}, false); });
    } else if (m_resolver) {
        const QList<QHostAddress> addresses = m_resolver(m_host);
        later([this, addresses] { onLookedUp(addresses, !addresses.isEmpty()); });
    } else {
        m_lookupId = QHostInfo::lookupHost(m_host, this, [this, generation](const QHostInfo &info) {
            if (generation != m_generation || info.lookupId() != m_lookupId)
                return;
            m_lookupId = -1;
            onLookedUp(info.addresses(), info.error() == QHostInfo::NoError);
        });
    }
    return true;
}

void Session::onLookedUp(const QList<QHostAddress> &addresses, bool found)
{
    if (m_state != State::LookingUp)
        return;
    if (!found || addresses.isEmpty()) {
        fail(Error::HostNotFound, tr("Host not found: %1").arg(m_host));
        return;
    }
    QStringList names;
    for (const QHostAddress &address : addresses)
        names << address.toString();
    m_transcript->appendEvent(TranscriptEvent::lookedUp(), names.join(QLatin1String(", ")));
    m_addresses = NetSupport::usableAddresses(addresses, m_activeOptions); // -4, -6, family of --bind
    if (m_addresses.isEmpty()) {
        fail(Error::HostNotFound, NetSupport::noUsableAddressMessage(m_host, addresses, m_activeOptions));
        return;
    }
    const quint64 generation = m_generation;
    Q_EMIT hostResolved(m_addresses);
    if (generation != m_generation || m_state != State::LookingUp)
        return;
    if (setState(State::Connecting))
        tryNextAddress();
}

void Session::tryNextAddress()
{
    // Through a proxy there is one attempt, by name.
    if (isProxied() ? m_nextAddress > 0 : m_nextAddress >= m_addresses.size()) {
        fail(m_lastAttemptError == Error::None ? Error::SocketError : m_lastAttemptError, m_lastAttemptMessage);
        return;
    }
    releaseSocket();
    const QHostAddress address = isProxied() ? QHostAddress() : m_addresses.at(m_nextAddress);
    ++m_nextAddress;
    m_peerAddress = address;
    if (m_activeOptions.transport == ConnectionOptions::Transport::Udp) {
        startDatagram(address);
        return;
    }
    m_socket = new QSslSocket(this); // unencrypted until asked, so STARTTLS can upgrade it
    // Qt otherwise reads whatever the kernel holds (megabytes on loopback)
    // at once: a bounded buffer keeps each chunk, and the memory a flood
    // takes, small; the rest waits in the kernel until this is read.
    // Plain TCP is read by readDirectly(): Qt's buffer then only holds what
    // Qt reads to announce readyRead, so that most bytes are copied once,
    // from the kernel into the chunk that received() delivers.
    m_readsDirectly = m_activeOptions.transport == ConnectionOptions::Transport::Tcp
        && !m_activeOptions.tls.enabled && !isProxied();
    m_socket->setReadBufferSize(m_readsDirectly ? qtReadBufferSize : readBufferSize);
    connect(m_socket, &QTcpSocket::connected, this, &Session::onSocketConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &Session::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &Session::onSocketError);
    connect(m_socket, &QTcpSocket::disconnected, this, &Session::onSocketDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this](qint64 written) {
        m_bytesSent += written;
        restartIdleTimer();
        halfCloseWhenWritten();
        Q_EMIT bytesWritten(m_bytesSent);
    });
    if (!prepareSocket()) // proxy, local bind
        return;
    qCDebug(lcSession) << "connecting to" << address << m_port;
    if (isProxied())
        m_socket->connectToHost(m_host, m_port);
    else
        m_socket->connectToHost(address, m_port);
}

void Session::onSocketConnected()
{
    const bool tls = m_activeOptions.tls.enabled && m_activeOptions.transport == ConnectionOptions::Transport::Tcp;
    if (!tls)
        m_connectTimer.stop(); // with TLS it covers the handshake too
    // A duplicate of the descriptor outlives Qt's close, so that after the
    // peer goes away we can still ask the kernel whether it was FIN or RST.
    m_shadowFd = ::fcntl(int(m_socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_peerAddress = m_socket->peerAddress();
    const quint16 peerPort = m_socket->peerPort();
    recordConnected(peerPort);
    if (tls) {
        if (!setState(State::Handshaking))
            return;
        const quint64 generation = m_generation;
        Q_EMIT connected(m_peerAddress, peerPort);
        if (generation == m_generation && m_state == State::Handshaking)
            beginTlsPhase();
        return;
    }
    if (!setState(State::Connected))
        return;
    restartIdleTimer(); // needs State::Connected
    Q_EMIT connected(m_peerAddress, peerPort);
}

QByteArray Session::takeReceived()
{
    // While Handshaking, nothing received is the peer's data yet.
    if (!m_socket || m_state == State::Handshaking)
        return {};
    const QByteArray bytes = m_socket->readAll();
    if (!bytes.isEmpty())
        noteReceived(bytes);
    return bytes;
}

void Session::noteReceived(const QByteArray &bytes)
{
    m_bytesReceived += bytes.size();
    if (m_recordData)
        m_transcript->appendBuffer(Transcript::Direction::Received, bytes);
    restartIdleTimer();
}

void Session::onReadyRead()
{
    if (m_state == State::Handshaking) {
        if (m_smtp)
            onSmtpReadyRead();
        return;
    }
    if (m_readsDirectly) {
        readDirectly();
        return;
    }
    const QPointer<Session> self(this);
    const quint64 generation = m_generation;
    const QByteArray bytes = takeReceived();
    if (!bytes.isEmpty())
        Q_EMIT received(bytes);
    if (self && generation == m_generation)
        readAgainIfBuffered();
}

// Plain TCP. The bytes Qt read to announce readyRead (at most
// qtReadBufferSize) lead the first chunk; the rest of what the kernel holds
// is read here, in order, with one recv() per chunk, up to readBudget. The
// end of the stream is left to Qt, whose next read sees it; an error is
// reported here, since recv() has taken it from the socket.
void Session::readDirectly()
{
    const QPointer<Session> self(this);
    const quint64 generation = m_generation;
    qint64 budget = readBudget;
    while (budget > 0 && m_socket && (m_state == State::Connected || m_state == State::Closing)) {
        // The last chunk's buffer again, unless someone kept it (a transcript
        // does): the kernel then copies into memory that is still in cache.
        QByteArray chunk = std::exchange(m_readChunk, QByteArray());
        if (chunk.isDetached() && chunk.capacity() >= readBufferSize)
            chunk.resize(readBufferSize);
        else
            chunk = QByteArray(readBufferSize, Qt::Uninitialized);
        const qint64 buffered = std::max<qint64>(0, m_socket->read(chunk.data(), chunk.size()));
        ssize_t n;
        do {
            n = ::recv(int(m_socket->socketDescriptor()), chunk.data() + buffered, size_t(chunk.size() - buffered),
                       MSG_DONTWAIT);
        } while (n < 0 && errno == EINTR);
        const int error = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK ? errno : 0;
        const qint64 size = buffered + std::max<qint64>(0, n);
        if (size > 0) {
            chunk.truncate(size);
            // The transcript keeps a large chunk as it is (smaller ones it
            // copies): no megabyte held for a few hundred kilobytes.
            if (m_recordData && size >= Transcript::directWriteSize && size < readBufferSize / 2)
                chunk.squeeze();
            budget -= size;
            noteReceived(chunk);
            if (!self || generation != m_generation)
                return; // a transcript's slot ended the connection
            Q_EMIT received(chunk);
            if (!self || generation != m_generation)
                return;
        }
        if (error != 0) {
            const QString endpoint = formatEndpoint(m_peerAddress, m_port);
            if (error == ECONNRESET)
                fail(Error::ResetByPeer, tr("Connection reset by peer %1").arg(endpoint));
            else
                fail(Error::SocketError, tr("Socket error with %1: %2")
                                             .arg(endpoint, QString::fromLocal8Bit(std::strerror(error))));
            return;
        }
        m_readChunk = std::move(chunk);
        if (n <= 0 && m_socket->bytesAvailable() == 0)
            return; // drained, or the end of the stream
    }
    readAgainIfBuffered();
}

// Qt emits no readyRead while a slot of it runs, so bytes Qt read during a
// nested event loop in one of our slots (a dialog, processEvents) would
// wait in its buffer, and a full buffer turns Qt's reading off: read them
// from the event loop instead.
void Session::readAgainIfBuffered()
{
    if (m_socket && (m_state == State::Connected || m_state == State::Closing) && m_socket->bytesAvailable() > 0)
        later([this] { onReadyRead(); });
}

bool Session::send(const QByteArray &bytes, QString *whyNot)
{
    if (m_state != State::Connected || (!m_socket && !m_datagram) || m_finishSending) {
        if (whyNot) {
            *whyNot = m_state == State::Closing       ? tr("Not sent: the connection is closing.")
                : m_state == State::Handshaking ? tr("Not sent: the TLS handshake is not finished.")
                : m_finishSending               ? tr("Not sent: the sending side is closed (half-close).")
                                                : tr("Not sent: not connected. Connect first.");
        }
        return false;
    }
    if (bytes.isEmpty())
        return true;
    if (m_datagram)
        return sendDatagram(bytes, whyNot);
    if (m_socket->write(bytes) != bytes.size()) {
        if (whyNot)
            *whyNot = tr("Not sent: %1").arg(m_socket->errorString());
        return false;
    }
    if (m_recordData)
        m_transcript->appendData(Transcript::Direction::Sent, bytes);
    restartIdleTimer();
    return true;
}

void Session::disconnectFromHost()
{
    switch (m_state) {
    case State::LookingUp:
    case State::Connecting:
    case State::Handshaking:
        abort();
        return;
    case State::Connected: {
        if (m_datagram) { // nothing to flush, nobody to tell
            abort();
            return;
        }
        m_idleTimer.stop();
        m_endReason = EndReason::ClosedByUser;
        m_transcript->appendEvent(TranscriptEvent::disconnected());
        m_closeTimer.start(m_connectTimeoutMs);
        if (!setState(State::Closing))
            return;
        // Closed arrives through onSocketDisconnected once pending data is
        // written; Qt may report it before returning.
        m_socket->disconnectFromHost();
        return;
    }
    default:
        return;
    }
}

void Session::abort(const QString &why)
{
    if (!isActive())
        return;
    // A close the user already asked for was recorded then.
    const bool recorded = m_state == State::Closing && why.isEmpty();
    end(EndReason::ClosedByUser, Error::None, QString(), recorded ? QString() : TranscriptEvent::disconnected(), why);
}

bool Session::peerResetConnection() const
{
    if (m_shadowFd < 0)
        return false;
    int soError = 0;
    socklen_t length = sizeof soError;
    if (::getsockopt(m_shadowFd, SOL_SOCKET, SO_ERROR, &soError, &length) == 0 && soError == ECONNRESET)
        return true;
    if (m_halfClosed)
        return false; // after our own FIN, an orderly close also ends in CLOSE
#ifdef TCP_INFO
    // After an orderly FIN the socket is in CLOSE_WAIT; a reset moves it to CLOSE.
    struct tcp_info info = {};
    length = sizeof info;
    if (::getsockopt(m_shadowFd, IPPROTO_TCP, TCP_INFO, &info, &length) == 0)
        return info.tcpi_state == TCP_CLOSE;
#endif
    return false;
}

void Session::onSocketError()
{
    if (!m_socket)
        return;
    const QAbstractSocket::SocketError socketError = m_socket->error();
    const QString socketMessage = m_socket->errorString();
    const QString endpoint = formatEndpoint(m_peerAddress, m_port);
    qCDebug(lcSession) << "socket error" << socketError << socketMessage;

    if (m_state == State::Connecting) {
        switch (socketError) {
        case QAbstractSocket::ConnectionRefusedError:
            m_lastAttemptError = Error::ConnectionRefused;
            m_lastAttemptMessage = tr("Connection refused by %1").arg(endpoint);
            break;
        case QAbstractSocket::NetworkError:
            m_lastAttemptError = Error::NetworkUnreachable;
            m_lastAttemptMessage = tr("Network unreachable: %1 (%2)").arg(endpoint, socketMessage);
            break;
        default:
            m_lastAttemptError = Error::SocketError;
            m_lastAttemptMessage = tr("Could not connect to %1: %2").arg(endpoint, socketMessage);
            break;
        }
        if (isProxied()) { // whatever failed, the proxy says so (exit code 9)
            m_lastAttemptError = Error::ProxyFailed;
            m_lastAttemptMessage = NetSupport::proxyFailureMessage(socketError, socketMessage, m_proxy,
                                                                   formatEndpoint(m_host, m_port));
        }
        // Try the host's next address, if any, within the same connect timeout.
        if (m_nextAddress < m_addresses.size())
            m_transcript->appendEvent(TranscriptEvent::error(), m_lastAttemptMessage);
        later([this] {
            if (m_state == State::Connecting)
                tryNextAddress();
        });
        return;
    }

    if (m_state == State::Handshaking) {
        onHandshakeSocketError(socketError, socketMessage);
        return;
    }
    if (m_state != State::Connected && m_state != State::Closing)
        return;
    if (m_tlsEstablished && TlsConfig::isTlsSocketError(socketError)) {
        // TLS 1.3: a peer that refuses our client certificate says so after our side of the handshake.
        fail(Error::TlsHandshakeFailed, TlsConfig::handshakeFailureMessage(endpoint, socketError, socketMessage));
    } else if (socketError != QAbstractSocket::RemoteHostClosedError) {
        fail(Error::SocketError, tr("Socket error with %1: %2").arg(endpoint, socketMessage));
    } else if (peerResetConnection()) {
        fail(Error::ResetByPeer, tr("Connection reset by peer %1").arg(endpoint));
    } else if (m_state == State::Closing) {
        end(EndReason::ClosedByUser, Error::None, QString(), QString(), QString());
    } else {
        end(EndReason::ClosedByPeer, Error::None, QString(), TranscriptEvent::closedByPeer(), QString());
    }
}

void Session::onSocketDisconnected()
{
    if (m_state == State::Closing) {
        end(EndReason::ClosedByUser, Error::None, QString(), QString(), QString());
    } else if (m_state == State::Connected) {
        // Qt reports a peer's close through errorOccurred first; this is the
        // fallback should it ever not.
        end(EndReason::ClosedByPeer, Error::None, QString(), TranscriptEvent::closedByPeer(), QString());
    }
}

void Session::onConnectTimeout()
{
    const double seconds = m_connectTimeoutMs / 1000.0;
    if (m_state == State::Handshaking) {
        fail(Error::ConnectTimeout, tr("%1 with %2 timed out after %3 s")
                                        .arg(m_smtp ? tr("STARTTLS exchange") : tr("TLS handshake"),
                                             formatEndpoint(m_host, m_port))
                                        .arg(seconds, 0, 'g', 3));
        return;
    }
    if (m_state != State::LookingUp && m_state != State::Connecting)
        return;
    if (isProxied()) {
        fail(Error::ProxyFailed, tr("proxy %1 did not connect to %2 within %3 s")
                                     .arg(NetSupport::proxyEndpoint(m_proxy), formatEndpoint(m_host, m_port))
                                     .arg(seconds, 0, 'g', 3));
        return;
    }
    fail(Error::ConnectTimeout, tr("Connect to %1 timed out after %2 s")
                                    .arg(formatEndpoint(m_host, m_port))
                                    .arg(seconds, 0, 'g', 3));
}

void Session::onIdleTimeout()
{
    if (m_state != State::Connected)
        return;
    end(EndReason::IdleTimeout, Error::None, QString(), TranscriptEvent::idleTimeout(),
        tr("no data for %1 ms").arg(m_idleTimeoutMs));
}

void Session::restartIdleTimer()
{
    if (m_idleTimeoutMs > 0 && m_state == State::Connected)
        m_idleTimer.start(m_idleTimeoutMs);
}

void Session::fail(Error error, const QString &message)
{
    const QString text = message.isEmpty() ? errorMessage(error) : message;
    end(EndReason::Error, error, text, TranscriptEvent::error(), text);
}

void Session::end(EndReason reason, Error error, const QString &message, const QString &event, const QString &detail)
{
    if (!isActive())
        return;
    const quint64 generation = ++m_generation;
    const QByteArray last = takeReceived();
    const qint64 unsent = bytesToWrite();
    if (unsent > 0)
        m_transcript->appendEvent(TranscriptEvent::unsent(), unsent == 1 ? tr("1 queued byte never written")
                                                                          : tr("%1 queued bytes never written").arg(unsent));
    if (!event.isEmpty())
        m_transcript->appendEvent(event, detail);
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    m_connectTimer.stop();
    m_idleTimer.stop();
    m_closeTimer.stop();
    releaseSocket();
    m_error = error;
    m_errorString = message;
    m_endReason = reason;
    m_state = State::Closed;

    if (!last.isEmpty()) {
        Q_EMIT received(last);
        if (generation != m_generation)
            return;
    }
    if (error == Error::CertificateRejected) {
        Q_EMIT certificateRejected(m_tlsProblems, m_rejectedChain);
        if (generation != m_generation)
            return;
    }
    if (error != Error::None) {
        Q_EMIT errorOccurred(error, message);
        if (generation != m_generation)
            return;
    }
    Q_EMIT stateChanged(State::Closed);
    if (generation != m_generation)
        return;
    Q_EMIT finished(reason);
}

void Session::releaseSocket()
{
    if (m_socket) {
        QTcpSocket *socket = m_socket;
        m_socket = nullptr;
        socket->disconnect(this);
        socket->abort();
        // Not our child any more: deleting the session from a slot must not
        // delete the socket while Qt is still inside one of its signals.
        socket->setParent(nullptr);
        socket->deleteLater();
    }
    m_readChunk = QByteArray();
    releaseDatagram();
    if (m_shadowFd >= 0) {
        ::close(m_shadowFd);
        m_shadowFd = -1;
    }
}

bool Session::setState(State state)
{
    if (m_state == state)
        return true;
    const quint64 generation = m_generation;
    m_state = state;
    Q_EMIT stateChanged(state);
    return generation == m_generation && m_state == state;
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
    case State::Handshaking:
        return tr("TLS handshake");
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
    case Error::TlsHandshakeFailed:
        return tr("TLS handshake failed");
    case Error::CertificateRejected:
        return tr("Certificate rejected");
    case Error::ProxyFailed:
        return tr("Proxy error");
    case Error::DatagramTooLarge:
        return tr("Datagram too large");
    case Error::SocketError:
        return tr("Socket error");
    }
    return QString();
}
