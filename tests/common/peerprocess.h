#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QProcess>
#include <QString>
#include <QStringList>

// Real peers from Debian's packages (socat, microsocks, tinyproxy...) for
// end-to-end tests: started without a shell on a loopback port the test
// chose, waited for without sleeping, stopped by their own process id.
namespace TestSupport {

class PeerProcess
{
public:
    PeerProcess() = default;
    PeerProcess(const PeerProcess &) = delete;
    PeerProcess &operator=(const PeerProcess &) = delete;
    ~PeerProcess();

    // Starts `program` (found in PATH) with `arguments`; false with the
    // reason in errorString() if it could not start.
    bool start(const QString &program, const QStringList &arguments);
    // Waits until the program's output (stdout and stderr merged) contains
    // `text`; false if it exits first.
    bool waitForOutput(const QByteArray &text);
    // Waits until a TCP connection to address:port succeeds.
    bool waitForTcp(const QHostAddress &address, quint16 port);
    // SIGTERM to its process id, then waits for it.
    void stop();

    qint64 pid() const { return m_process.processId(); }
    QByteArray output();
    QString errorString() const { return m_process.errorString(); }

private:
    QProcess m_process;
    QByteArray m_output;
};

// A port that nothing uses on `address` right now (TCP or UDP).
quint16 freeTcpPort(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost));
quint16 freeUdpPort(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost));
// Whether `program` is installed (tests skip with a clear message otherwise).
bool haveProgram(const QString &program);

} // namespace TestSupport
