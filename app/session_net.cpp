// Session's network side: proxy, local bind, UDP and half-close. Kept apart
// from session.cpp, which calls into it at a few points.

#include "session.h"

#include <cerrno>

#include <QSignalBlocker>
#include <QTcpSocket>
#include <QTimer>

#include "datagramchannel.h"
#include "logging.h"
#include "netsupport.h"

bool Session::isProxied() const
{
    return NetSupport::isProxied(m_proxy);
}

void Session::chooseProxy()
{
    m_proxy = m_activeOptions.transport == ConnectionOptions::Transport::Tcp
        ? NetSupport::proxyFor(m_activeOptions, m_host, m_port)
        : QNetworkProxy(QNetworkProxy::NoProxy);
    if (isProxied())
        m_transcript->appendEvent(TranscriptEvent::proxy(), NetSupport::describeProxy(m_proxy));
}

// Fails from the event loop, as a lookup would: connectToHost() never
// emits the end of the connection it starts.
void Session::failLater(Error error, const QString &message)
{
    QTimer::singleShot(0, this, [this, generation = m_generation, error, message] {
        if (generation == m_generation)
            fail(error, message);
    });
}

// Called on a new TCP socket before connectToHost(). false if it cannot be
// used: the socket is released and the session fails from the event loop.
bool Session::prepareSocket()
{
    m_socket->setProxy(m_proxy);
    const QHostAddress &bindAddress = m_activeOptions.bindAddress;
    const quint16 bindPort = m_activeOptions.bindPort;
    if (bindAddress.isNull() && bindPort == 0)
        return true;
    if (isProxied()) {
        releaseSocket(); // never opened: nothing to read from it
        failLater(Error::SocketError, tr("A local address or port cannot be chosen for a connection through a proxy"));
        return false;
    }
    // The peer's family when only a port is given.
    const bool v6 = m_peerAddress.protocol() == QAbstractSocket::IPv6Protocol;
    const QHostAddress local = !bindAddress.isNull() ? bindAddress
                                                     : QHostAddress(v6 ? QHostAddress::AnyIPv6 : QHostAddress::AnyIPv4);
    bool bound = false;
    {
        const QSignalBlocker quiet(m_socket); // a failure is reported here, not as a connect error
        bound = m_socket->bind(local, bindPort);
    }
    if (!bound) {
        const QString why = m_socket->errorString();
        releaseSocket();
        failLater(Error::SocketError, tr("Cannot bind to %1: %2").arg(formatEndpoint(local, bindPort), why));
        return false;
    }
    return true;
}

void Session::recordConnected(quint16 peerPort)
{
    if (!m_activeOptions.bindAddress.isNull() || m_activeOptions.bindPort != 0)
        m_transcript->appendEvent(TranscriptEvent::bound(),
                                  formatEndpoint(m_socket->localAddress(), m_socket->localPort()));
    // Through a proxy, the target as named (the proxy resolved it) and the proxy used.
    const QString detail = isProxied() ? tr("%1 through %2")
                                             .arg(formatEndpoint(m_host, m_port), NetSupport::proxyEndpoint(m_proxy))
                                       : formatEndpoint(m_peerAddress, peerPort);
    m_transcript->appendEvent(TranscriptEvent::connected(), detail);
}

// ---- UDP ----

void Session::startDatagram(const QHostAddress &address)
{
    auto *channel = new DatagramChannel(this);
    QString why;
    if (!channel->open(address, m_port, m_activeOptions.bindAddress, m_activeOptions.bindPort, &why)) {
        delete channel;
        failLater(Error::SocketError, why);
        return;
    }
    m_datagram = channel;
    connect(channel, &DatagramChannel::datagramReceived, this, &Session::onDatagram);
    connect(channel, &DatagramChannel::unreachable, this, [this](int error, const QString &message) {
        if (error == EMSGSIZE) { // the path is narrower than we thought; later datagrams may pass
            m_transcript->appendEvent(TranscriptEvent::sendFailed(), message);
            return;
        }
        fail(error == ECONNREFUSED ? Error::ConnectionRefused : Error::NetworkUnreachable, message);
    });
    connect(channel, &DatagramChannel::failed, this, [this](const QString &message) {
        fail(Error::SocketError, tr("Socket error with %1: %2").arg(formatEndpoint(m_peerAddress, m_port), message));
    });
    m_connectTimer.stop();
    m_transcript->appendEvent(TranscriptEvent::bound(), formatEndpoint(channel->localAddress(), channel->localPort()));
    m_transcript->appendEvent(TranscriptEvent::connected(), formatEndpoint(address, m_port));
    if (!setState(State::Connected))
        return;
    restartIdleTimer();
    Q_EMIT connected(address, m_port);
}

bool Session::sendDatagram(const QByteArray &bytes, QString *whyNot)
{
    QString why;
    switch (m_datagram->send(bytes, &why)) {
    case DatagramChannel::SendResult::Sent:
        m_lastSendError = Error::None;
        if (m_recordData)
            m_transcript->appendData(Transcript::Direction::Sent, bytes);
        m_bytesSent += bytes.size();
        restartIdleTimer();
        // Like TCP's, reported from the event loop, never from inside send().
        QTimer::singleShot(0, this, [this, generation = m_generation] {
            if (generation == m_generation)
                Q_EMIT bytesWritten(m_bytesSent);
        });
        return true;
    case DatagramChannel::SendResult::TooLarge:
        m_lastSendError = Error::DatagramTooLarge;
        break;
    case DatagramChannel::SendResult::Refused:
        m_lastSendError = Error::ConnectionRefused;
        break;
    case DatagramChannel::SendResult::Failed:
        m_lastSendError = Error::SocketError;
        break;
    }
    m_transcript->appendEvent(TranscriptEvent::sendFailed(), why);
    if (whyNot)
        *whyNot = tr("Not sent: %1").arg(why);
    return false;
}

void Session::onDatagram(const QByteArray &bytes, const QHostAddress &from, quint16 fromPort)
{
    if (m_state != State::Connected)
        return;
    const QString source = formatEndpoint(from, fromPort);
    m_bytesReceived += bytes.size();
    if (bytes.isEmpty())
        m_transcript->appendEvent(TranscriptEvent::emptyDatagram(), source);
    else if (m_recordData)
        m_transcript->appendData(Transcript::Direction::Received, bytes, source);
    restartIdleTimer();
    const quint64 generation = m_generation;
    Q_EMIT datagramReceived(bytes, from, fromPort);
    if (generation != m_generation || bytes.isEmpty())
        return;
    Q_EMIT received(bytes);
}

void Session::releaseDatagram()
{
    if (!m_datagram)
        return;
    DatagramChannel *channel = m_datagram;
    m_datagram = nullptr;
    channel->disconnect(this);
    channel->close();
    // We may be inside one of its signals.
    channel->setParent(nullptr);
    channel->deleteLater();
}

// ---- half-close ----

bool Session::finishSending(QString *whyNot)
{
    if (m_state != State::Connected || !m_socket) {
        if (whyNot) {
            *whyNot = m_datagram ? tr("UDP has no sending side to close.")
                                 : tr("Cannot close the sending side: not connected.");
        }
        return false;
    }
    if (m_finishSending)
        return true;
    m_finishSending = true;
    // From the event loop, so that the caller's own sends are queued first.
    QTimer::singleShot(0, this, [this, generation = m_generation] {
        if (generation == m_generation)
            halfCloseWhenWritten();
    });
    return true;
}

void Session::halfCloseWhenWritten()
{
    if (!m_finishSending || m_halfClosed || !m_socket || m_state != State::Connected || m_socket->bytesToWrite() > 0)
        return;
    QString why;
    if (!NetSupport::shutdownWrite(m_socket->socketDescriptor(), &why)) {
        failLater(Error::SocketError, tr("Cannot close the sending side: %1").arg(why));
        return;
    }
    m_halfClosed = true;
    m_transcript->appendEvent(TranscriptEvent::halfClosed(), tr("end of input sent to the peer"));
}
