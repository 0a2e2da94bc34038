#include "datagramchannel.h"

#include <cerrno>
#include <cstring>

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <QNetworkDatagram>
#include <QPointer>
#include <QUdpSocket>

#include "logging.h"
#include "netsupport.h"
#include "session.h"

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

DatagramChannel::DatagramChannel(QObject *parent)
    : QObject(parent)
{
}

DatagramChannel::~DatagramChannel()
{
    close();
}

bool DatagramChannel::open(const QHostAddress &peer, quint16 peerPort, const QHostAddress &bindAddress,
                           quint16 bindPort, QString *error)
{
    close();
    const bool v6 = peer.protocol() == QAbstractSocket::IPv6Protocol;
    const QHostAddress local = !bindAddress.isNull() ? bindAddress
                                                     : QHostAddress(v6 ? QHostAddress::AnyIPv6 : QHostAddress::AnyIPv4);
    auto *socket = new QUdpSocket(this);
    if (!socket->bind(local, bindPort)) {
        if (error) {
            *error = tr("Cannot bind to %1: %2")
                         .arg(Session::formatEndpoint(local, bindPort), socket->errorString());
        }
        delete socket;
        return false;
    }
    // ICMP errors (port unreachable...) about our datagrams go to the error
    // queue, also on this unconnected socket.
    const int fd = int(socket->socketDescriptor());
    const int on = 1;
    if (v6)
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
    else
        ::setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
    m_socket = socket;
    m_peer = peer;
    m_peerPort = peerPort;
    connect(socket, &QUdpSocket::readyRead, this, &DatagramChannel::onReadyRead);
    connect(socket, &QUdpSocket::errorOccurred, this, [this] {
        if (m_inCall || !m_socket)
            return;
        const QString message = m_socket->errorString();
        qCDebug(lcSession) << "udp socket error" << m_socket->error() << message;
        Q_EMIT failed(message);
    });
    return true;
}

void DatagramChannel::close()
{
    if (!m_socket)
        return;
    QUdpSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    socket->abort();
    // Not deleted at once: we may be inside one of its signals.
    socket->setParent(nullptr);
    socket->deleteLater();
}

QHostAddress DatagramChannel::localAddress() const
{
    return m_socket ? m_socket->localAddress() : QHostAddress();
}

quint16 DatagramChannel::localPort() const
{
    return m_socket ? m_socket->localPort() : 0;
}

DatagramChannel::SendResult DatagramChannel::send(const QByteArray &datagram, QString *error)
{
    if (!m_socket) {
        if (error)
            *error = tr("the socket is closed");
        return SendResult::Failed;
    }
    const qint64 limit = NetSupport::maxDatagramSize(m_peer);
    if (datagram.size() > limit) {
        if (error) {
            *error = tr("a datagram of %1 bytes is larger than UDP over %2 can carry (%3 bytes at most)")
                         .arg(datagram.size())
                         .arg(m_peer.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("IPv6")
                                                                                 : QStringLiteral("IPv4"))
                         .arg(limit);
        }
        return SendResult::TooLarge;
    }
    m_inCall = true;
    errno = 0;
    const qint64 written = m_socket->writeDatagram(datagram, m_peer, m_peerPort);
    const int savedErrno = errno;
    m_inCall = false;
    if (written == datagram.size())
        return SendResult::Sent;
    const bool tooLarge = m_socket->error() == QAbstractSocket::DatagramTooLargeError;
    if (m_socket->error() == QAbstractSocket::ConnectionRefusedError) {
        if (error) {
            *error = tr("%1 refused an earlier datagram: nothing listens there (ICMP port unreachable)")
                         .arg(Session::formatEndpoint(m_peer, m_peerPort));
        }
        return SendResult::Refused;
    }
    if (error) {
        const QString kernel = savedErrno != 0 ? errnoText(savedErrno) : m_socket->errorString();
        *error = tooLarge ? tr("a datagram of %1 bytes is larger than the path to %2 allows (the kernel says: %3)")
                                .arg(datagram.size())
                                .arg(Session::formatEndpoint(m_peer, m_peerPort), kernel)
                          : tr("cannot send to %1: %2").arg(Session::formatEndpoint(m_peer, m_peerPort), kernel);
    }
    return tooLarge ? SendResult::TooLarge : SendResult::Failed;
}

void DatagramChannel::onReadyRead()
{
    const QPointer<DatagramChannel> self(this);
    bool complete = false; // every readiness answered by a datagram
    while (m_socket && m_socket->hasPendingDatagrams()) {
        // Sized by pendingDatagramSize(): the whole datagram, never cut.
        m_inCall = true;
        const QNetworkDatagram datagram = m_socket->receiveDatagram();
        m_inCall = false;
        complete = datagram.isValid();
        if (!complete)
            break;
        Q_EMIT datagramReceived(datagram.data(), datagram.senderAddress(), quint16(datagram.senderPort()));
        if (!self || !m_socket)
            return;
    }
    if (!complete && m_socket && readErrorQueue())
        rearm();
}

bool DatagramChannel::readErrorQueue()
{
    const QPointer<DatagramChannel> self(this);
    const int fd = int(m_socket->socketDescriptor());
    for (;;) {
        char data[512];
        char control[512];
        sockaddr_storage destination = {};
        iovec io = {data, sizeof data};
        msghdr message = {};
        message.msg_name = &destination;
        message.msg_namelen = sizeof destination;
        message.msg_iov = &io;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        if (::recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
            return true; // EAGAIN: the queue is empty
        for (cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
            const bool v4 = header->cmsg_level == IPPROTO_IP && header->cmsg_type == IP_RECVERR;
            const bool v6 = header->cmsg_level == IPPROTO_IPV6 && header->cmsg_type == IPV6_RECVERR;
            if (!v4 && !v6)
                continue;
            sock_extended_err extended;
            std::memcpy(&extended, CMSG_DATA(header), sizeof extended);
            if (extended.ee_origin != SO_EE_ORIGIN_ICMP && extended.ee_origin != SO_EE_ORIGIN_ICMP6
                && extended.ee_origin != SO_EE_ORIGIN_LOCAL)
                continue;
            const QHostAddress to(reinterpret_cast<const sockaddr *>(&destination));
            const quint16 toPort = ntohs(destination.ss_family == AF_INET6
                                             ? reinterpret_cast<const sockaddr_in6 *>(&destination)->sin6_port
                                             : reinterpret_cast<const sockaddr_in *>(&destination)->sin_port);
            QString text;
            if (extended.ee_errno == ECONNREFUSED) {
                text = tr("%1 refused the datagram: nothing listens there (ICMP port unreachable)")
                           .arg(Session::formatEndpoint(to, toPort));
            } else if (extended.ee_errno == EMSGSIZE) {
                text = tr("a datagram to %1 was larger than the path allows (ICMP: %2; path MTU %3)")
                           .arg(Session::formatEndpoint(to, toPort), errnoText(int(extended.ee_errno)))
                           .arg(extended.ee_info);
            } else {
                text = tr("%1 is unreachable: %2 (ICMP type %3, code %4)")
                           .arg(Session::formatEndpoint(to, toPort), errnoText(int(extended.ee_errno)))
                           .arg(extended.ee_type)
                           .arg(extended.ee_code);
            }
            Q_EMIT unreachable(int(extended.ee_errno), text);
            if (!self || !m_socket)
                return false;
        }
    }
}

bool DatagramChannel::rearm()
{
    // Qt disabled its read notifier when it reported readiness without a
    // datagram; a read re-enables it. Should a datagram have arrived just
    // now, it is read whole here and delivered like any other.
    QByteArray buffer(65536, Qt::Uninitialized);
    QHostAddress from;
    quint16 fromPort = 0;
    m_inCall = true;
    const qint64 n = m_socket->readDatagram(buffer.data(), buffer.size(), &from, &fromPort);
    m_inCall = false;
    if (n < 0)
        return true;
    buffer.truncate(n);
    const QPointer<DatagramChannel> self(this);
    Q_EMIT datagramReceived(buffer, from, fromPort);
    return self && m_socket;
}
