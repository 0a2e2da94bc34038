#pragma once

#include <QAbstractSocket>
#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QString>

class QUdpSocket;

// The UDP side of a Session: one QUdpSocket bound locally, sending each
// datagram to one peer and receiving datagrams from anyone, each whole
// (never truncated) with its source.
//
// The socket is not connected (a connected UDP socket would drop datagrams
// from any other source); ICMP errors about our datagrams are read from the
// kernel's error queue (IP_RECVERR) and reported through unreachable().
//
// Re-entrancy: a slot may close() the channel or deleteLater() it from any
// signal; the channel stops at once.
class DatagramChannel : public QObject
{
    Q_OBJECT
public:
    // Refused: the kernel holds an ICMP "port unreachable" for an earlier
    // datagram (unreachable() follows from the event loop).
    enum class SendResult { Sent, TooLarge, Refused, Failed };

    explicit DatagramChannel(QObject *parent = nullptr);
    ~DatagramChannel() override;

    // Binds to bindAddress:bindPort (any address of the peer's family and
    // any port when unset) and sends to peer:peerPort from then on. false
    // with *error set ("cannot bind to 127.0.0.1:53: ...") on failure.
    bool open(const QHostAddress &peer, quint16 peerPort, const QHostAddress &bindAddress, quint16 bindPort,
              QString *error);
    void close();
    bool isOpen() const { return m_socket != nullptr; }

    QHostAddress localAddress() const;
    quint16 localPort() const;

    // Sends `datagram` as exactly one datagram. TooLarge when it exceeds
    // what UDP can carry or what the kernel accepts on the path (EMSGSIZE);
    // *error then says so. Emits nothing.
    SendResult send(const QByteArray &datagram, QString *error);

Q_SIGNALS:
    void datagramReceived(const QByteArray &bytes, const QHostAddress &from, quint16 fromPort);
    // The kernel reported an ICMP error for a datagram we sent: `error` is
    // the errno it maps to (ECONNREFUSED for "port unreachable"),
    // `message` a sentence for the user.
    void unreachable(int error, const QString &message);
    // A socket error outside send(); the channel is no longer usable.
    void failed(const QString &message);

private:
    void onReadyRead();
    // Reads the kernel's error queue; false if a slot closed the channel.
    bool readErrorQueue();
    // Qt stops watching the socket after a readiness without a datagram
    // (an ICMP error); one read attempt re-arms it. false if closed meanwhile.
    bool rearm();

    QUdpSocket *m_socket = nullptr;
    QHostAddress m_peer;
    quint16 m_peerPort = 0;
    bool m_inCall = false; // inside a call on the socket: its errors are ours to report
};
