#include "testsupport.h"

#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

#include <cerrno>
#include <cstring>

#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

namespace TestSupport {

LoopbackServer::LoopbackServer(QObject *parent)
    : QTcpServer(parent)
{
    connect(this, &QTcpServer::newConnection, this, &LoopbackServer::onNewConnection);
}

bool LoopbackServer::listenLocal(const QHostAddress &address)
{
    return listen(address, 0);
}

void LoopbackServer::onNewConnection()
{
    while (QTcpSocket *socket = nextPendingConnection()) {
        ++m_connectionCount;
        m_connections.append(socket);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            const QByteArray bytes = socket->readAll();
            m_received += bytes;
            if (m_echo)
                socket->write(bytes);
            if (m_closeAfterReceiving >= 0 && m_received.size() >= m_closeAfterReceiving)
                socket->disconnectFromHost();
            Q_EMIT dataReceived();
        });
        if (!m_greeting.isEmpty())
            socket->write(m_greeting);
        if (m_closeAfterGreeting)
            socket->disconnectFromHost();
    }
}

void LoopbackServer::resetLastConnection()
{
    QTcpSocket *socket = lastConnection();
    if (!socket)
        return;
    const struct linger lingerOff = {1, 0};
    ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &lingerOff, sizeof lingerOff);
    socket->abort();
}


QStringList events(const Transcript &transcript, const QString &name)
{
    QStringList details;
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        if (entry.kind == Transcript::Kind::Event && entry.event == name)
            details.append(entry.detail);
    }
    return details;
}

bool hostsFileNamesLocalhost()
{
    QFile hosts(QStringLiteral("/etc/hosts"));
    return hosts.open(QIODevice::ReadOnly)
        && QRegularExpression(QStringLiteral("^127\\.0\\.0\\.1\\s.*\\blocalhost\\b"), QRegularExpression::MultilineOption)
               .match(QString::fromLatin1(hosts.readAll()))
               .hasMatch();
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

bool PendingListener::start()
{
    m_server.setListenBacklogSize(0);
    if (!m_server.listen(QHostAddress::LocalHost, 0))
        return false;
    m_server.pauseAccepting();
    m_filler.connectToHost(QHostAddress::LocalHost, m_server.serverPort());
    return QTest::qWaitFor([this] { return m_filler.state() == QAbstractSocket::ConnectedState; });
}

int openFileDescriptorCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

bool runHeadless(QProcess &process, const QString &binary, const QStringList &arguments)
{
    process.setProgram(binary);
    process.setArguments(QStringList{QStringLiteral("--headless")} + arguments);
    process.start();
    if (!process.waitForStarted())
        return false;
    QSignalSpy finished(&process, &QProcess::finished);
    return (process.state() == QProcess::NotRunning || finished.wait(30000))
        && process.exitStatus() == QProcess::NormalExit;
}

SmallFilesystem::SmallFilesystem()
{
    if (!m_dir.isValid()) {
        m_whyNot = m_dir.errorString();
        return;
    }
    const auto fail = [this](const char *what) {
        const int error = errno;
        m_notPermitted = error == EPERM || error == EACCES;
        m_whyNot = QStringLiteral("cannot %1: %2").arg(QLatin1String(what), QString::fromLocal8Bit(std::strerror(error)));
    };
    if (::unshare(CLONE_NEWNS) != 0) {
        fail("make a mount namespace (needs root / CAP_SYS_ADMIN)");
        return;
    }
    const QByteArray where = QFile::encodeName(m_dir.path());
    if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0
        || ::mount("tmpfs", where.constData(), "tmpfs", 0, "size=1m,mode=0700") != 0) {
        fail("mount a small tmpfs");
        return;
    }
    m_mounted = true;
}

SmallFilesystem::~SmallFilesystem()
{
    if (m_mounted)
        ::umount2(QFile::encodeName(m_dir.path()).constData(), MNT_DETACH);
}

} // namespace TestSupport
