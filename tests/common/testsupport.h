#pragma once

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTcpSocket>

#include "transcript.h"

// Test peers on loopback only.
class QProcess;

namespace TestSupport {

// A QTcpServer on 127.0.0.1 (or ::1) that records what each connection sent
// and can reply, close (FIN) or reset (RST, via SO_LINGER 0).
class LoopbackServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit LoopbackServer(QObject *parent = nullptr);
    bool listenLocal(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost));

    QTcpSocket *lastConnection() const { return m_connections.isEmpty() ? nullptr : m_connections.last().data(); }
    QByteArray receivedSoFar() const { return m_received; }
    int connectionCount() const { return m_connectionCount; }

    // Sent to every new connection as soon as it is accepted.
    void setGreeting(const QByteArray &bytes) { m_greeting = bytes; }
    // Echo everything back.
    void setEcho(bool echo) { m_echo = echo; }
    // Close (FIN) right after the greeting.
    void setCloseAfterGreeting(bool close) { m_closeAfterGreeting = close; }

    // Close (FIN) once this many bytes in all have arrived on a connection.
    void setCloseAfterReceiving(qsizetype bytes) { m_closeAfterReceiving = bytes; }

    // Resets the last connection: SO_LINGER {1, 0} then close, so the kernel sends RST.
    void resetLastConnection();

Q_SIGNALS:
    void dataReceived();

private:
    void onNewConnection();

    QList<QPointer<QTcpSocket>> m_connections;
    QByteArray m_received;
    QByteArray m_greeting;
    bool m_echo = false;
    bool m_closeAfterGreeting = false;
    qsizetype m_closeAfterReceiving = -1;
    int m_connectionCount = 0;
};

// True when /etc/hosts maps 127.0.0.1 to "localhost", so that the name
// resolves without asking a DNS server (a brand-new minimal root has no such line).
bool hostsFileNamesLocalhost();

// The details of every event called `name` in the transcript, in order.
QStringList events(const Transcript &transcript, const QString &name);

// A port on 127.0.0.1 with nothing listening (refused on connect).
quint16 closedPort();

// A listener on 127.0.0.1 whose next connect stays pending: backlog 0, not
// accepting, and one filler connection occupying the queue, so the kernel
// drops further SYNs (Linux, with the default tcp_abort_on_overflow = 0).
class PendingListener
{
public:
    bool start(); // false if the filler could not connect
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
    QTcpSocket m_filler;
};

// Runs `binary --headless arguments...` to its end (30 s at most); true if
// it started and exited normally (its exit code is the caller's to check).
bool runHeadless(QProcess &process, const QString &binary, const QStringList &arguments);

// Open file descriptors of this process.
int openFileDescriptorCount();

// A small tmpfs (1 MiB) made for a test that needs a full disk, mounted in a
// private mount namespace of the calling thread, so nothing else sees it;
// unmounted when destroyed. Needs root (CAP_SYS_ADMIN): where mounting is
// not permitted, isMounted() is false, notPermitted() true and whyNot()
// says why (the test skips); any other failure is the test's to report.
class SmallFilesystem
{
public:
    SmallFilesystem();
    ~SmallFilesystem();
    SmallFilesystem(const SmallFilesystem &) = delete;
    SmallFilesystem &operator=(const SmallFilesystem &) = delete;

    bool isMounted() const { return m_mounted; }
    bool notPermitted() const { return m_notPermitted; }
    QString whyNot() const { return m_whyNot; }
    QString path() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    bool m_mounted = false;
    bool m_notPermitted = false;
    QString m_whyNot;
};

} // namespace TestSupport
