#include "peerprocess.h"

#include <csignal>

#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUdpSocket>

namespace TestSupport {

PeerProcess::~PeerProcess()
{
    stop();
}

bool PeerProcess::start(const QString &program, const QStringList &arguments)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setProgram(program);
    m_process.setArguments(arguments);
    m_process.start();
    return m_process.waitForStarted();
}

QByteArray PeerProcess::output()
{
    m_output += m_process.readAll();
    return m_output;
}

bool PeerProcess::waitForOutput(const QByteArray &text)
{
    return QTest::qWaitFor(
        [&] { return output().contains(text) || m_process.state() == QProcess::NotRunning; }, 30000)
        && output().contains(text);
}

bool PeerProcess::waitForTcp(const QHostAddress &address, quint16 port)
{
    return QTest::qWaitFor(
        [&] {
            if (m_process.state() == QProcess::NotRunning)
                return true;
            QTcpSocket probe;
            probe.connectToHost(address, port);
            return probe.waitForConnected(1000);
        },
        30000)
        && m_process.state() == QProcess::Running;
}

void PeerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(10000))
        m_process.kill();
    m_process.waitForFinished();
}

quint16 freeTcpPort(const QHostAddress &address)
{
    QTcpServer server;
    server.listen(address, 0);
    return server.serverPort();
}

quint16 freeUdpPort(const QHostAddress &address)
{
    QUdpSocket socket;
    socket.bind(address, 0);
    return socket.localPort();
}

bool haveProgram(const QString &program)
{
    return !QStandardPaths::findExecutable(program).isEmpty();
}

} // namespace TestSupport
