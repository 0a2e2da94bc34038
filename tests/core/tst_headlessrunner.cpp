// End to end: the real `socketeer --headless` binary against loopback peers.
#include <csignal>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "exitcodes.h"
#include "testsupport.h"
#include "transcript.h"
#include "transcriptio.h"
#include "version.h"

using TestSupport::LoopbackServer;

namespace {

QByteArray allByteValues()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

// Whether the process has a handler for SIGINT (the SigCgt mask in /proc).
bool catchesSigint(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("SigCgt:"))
            return (line.mid(7).trimmed().toULongLong(nullptr, 16) >> (SIGINT - 1)) & 1u;
    }
    return false;
}

} // namespace

class TestHeadlessRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void receivesTextByteExact();
    void receivesBinaryByteExact();
    void sendsInCommandLineOrder();
    void forwardsStdin();
    void idleEndsSuccessfully_data();
    void idleEndsSuccessfully();
    void savesTranscript_data();
    void savesTranscript();
    void exitCodes_data();
    void exitCodes();
    void connectTimeoutExitsFive();
    void overallTimeoutExitsFive();
    void resetByPeerExitsSix();
    void saveFailureExitsSeven();
    void interruptSavesAndExits130();
    void closedStdoutEndsQuietly();
    void failingStdoutIsAFileError();
    void stalledStdoutStillHonoursTimeoutAndInterrupt_data();
    void stalledStdoutStillHonoursTimeoutAndInterrupt();
    void closedStdinIsNotReadAsData();
    void interruptWhileConnectingSaves();
    void sendFileMustBeARegularFile();
    void demoRunsHeadless();
    void windowWithoutDisplayIsAUsageError();
    void versionAndHelp();

private:
    // "--headless 127.0.0.1 PORT" followed by `more`.
    static QStringList headless(quint16 port, const QStringList &more = {})
    {
        return QStringList{QStringLiteral("--headless"), QStringLiteral("127.0.0.1"), QString::number(port)} + more;
    }
    // Starts the binary; the event loop keeps serving the test's peers meanwhile.
    void start(QProcess &process, const QStringList &arguments);
    bool finish(QProcess &process, int timeoutMs = 30000);
    QTemporaryDir m_dir;
};

void TestHeadlessRunner::init()
{
    QVERIFY(m_dir.isValid());
}

void TestHeadlessRunner::start(QProcess &process, const QStringList &arguments)
{
    process.setProgram(QStringLiteral(SOCKETEER_BINARY));
    process.setArguments(arguments);
    process.start();
    QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
}

bool TestHeadlessRunner::finish(QProcess &process, int timeoutMs)
{
    QSignalSpy finished(&process, &QProcess::finished);
    if (process.state() != QProcess::NotRunning && !finished.wait(timeoutMs))
        return false;
    return process.exitStatus() == QProcess::NormalExit;
}

void TestHeadlessRunner::receivesTextByteExact()
{
    LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("HTTP/1.0 200 OK\r\n\r\nhéllo\n"));
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());

    QProcess process;
    start(process, headless(server.serverPort()));
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(), QByteArrayLiteral("HTTP/1.0 200 OK\r\n\r\nhéllo\n"));
    QCOMPARE(process.readAllStandardError(), QByteArray());
}

void TestHeadlessRunner::receivesBinaryByteExact()
{
    QByteArray payload;
    for (int round = 0; round < 64; ++round)
        payload += allByteValues();
    LoopbackServer server;
    server.setGreeting(payload);
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());

    QProcess process;
    start(process, headless(server.serverPort()));
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(), payload);
}

void TestHeadlessRunner::sendsInCommandLineOrder()
{
    const QString filePath = m_dir.filePath(QStringLiteral("part2.bin"));
    QFile file(filePath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(allByteValues());
    file.close();

    const QByteArray expected = QByteArrayLiteral("one\r\n") + allByteValues() + QByteArray("three\x00\n", 7)
        + QByteArrayLiteral("four\r\nfive\nsix");
    LoopbackServer server;
    server.setCloseAfterReceiving(expected.size());
    QVERIFY(server.listenLocal());

    QProcess process;
    start(process, headless(server.serverPort(), {QStringLiteral("--send"), QStringLiteral("one\\r\\n"), QStringLiteral("--send-file"), filePath,
                    QStringLiteral("--send"), QStringLiteral("three\\0\\x0a"),
                    // a literal newline is sent as it is
                    QStringLiteral("--send"), QStringLiteral("four\r\nfive\nsix")}));
    QVERIFY(finish(process));
    QCOMPARE(process.readAllStandardError(), QByteArray());
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(server.receivedSoFar(), expected);
}

void TestHeadlessRunner::forwardsStdin()
{
    LoopbackServer server;
    server.setEcho(true);
    server.setCloseAfterReceiving(12);
    QVERIFY(server.listenLocal());

    QProcess process;
    start(process, headless(server.serverPort(), {QStringLiteral("--stdin")}));
    process.write("first\n");
    QTRY_COMPARE(server.receivedSoFar(), QByteArrayLiteral("first\n"));
    process.write("second");
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(server.receivedSoFar(), QByteArrayLiteral("first\nsecond"));
    QCOMPARE(process.readAllStandardOutput(), QByteArrayLiteral("first\nsecond"));
}

void TestHeadlessRunner::idleEndsSuccessfully_data()
{
    QTest::addColumn<QByteArray>("greeting");
    QTest::newRow("after a greeting") << QByteArrayLiteral("220 ready\r\n");
    QTest::newRow("silent peer, nothing sent") << QByteArray();
}

void TestHeadlessRunner::idleEndsSuccessfully()
{
    QFETCH(QByteArray, greeting);
    LoopbackServer server;
    server.setGreeting(greeting);
    QVERIFY(server.listenLocal());

    QProcess process;
    start(process, headless(server.serverPort(), {QStringLiteral("--idle"), QStringLiteral("200")}));
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(), greeting);
}

void TestHeadlessRunner::savesTranscript_data()
{
    QTest::addColumn<QStringList>("extraArguments");
    QTest::addColumn<QString>("fileName");
    QTest::newRow("by extension") << QStringList() << QStringLiteral("t.jsonl");
    QTest::newRow("by --format") << QStringList{QStringLiteral("--format"), QStringLiteral("jsonl")}
                                 << QStringLiteral("t.dat");
}

void TestHeadlessRunner::savesTranscript()
{
    QFETCH(QStringList, extraArguments);
    QFETCH(QString, fileName);
    LoopbackServer server;
    server.setEcho(true);
    server.setCloseAfterReceiving(4);
    QVERIFY(server.listenLocal());

    const QString path = m_dir.filePath(fileName);
    QProcess process;
    start(process, QStringList{QStringLiteral("--headless"), QStringLiteral("127.0.0.1"),
                               QString::number(server.serverPort()), QStringLiteral("--send"), QStringLiteral("ping"),
                               QStringLiteral("--save"), path}
                       + extraArguments);
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(QFileInfo(path).permissions() & 0x0777, QFile::ReadUser | QFile::WriteUser);

    Transcript transcript;
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::open(path, &transcript, &error), qPrintable(error.toString()));
    QCOMPARE(transcript.port(), server.serverPort());
    QCOMPARE(transcript.read(Transcript::Direction::Sent, 0, 100), QByteArrayLiteral("ping"));
    QCOMPARE(transcript.read(Transcript::Direction::Received, 0, 100), QByteArrayLiteral("ping"));
}

void TestHeadlessRunner::exitCodes_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrContains");

    const QString refusedPort = QString::number(TestSupport::closedPort());
    QTest::newRow("refused") << QStringList{QStringLiteral("--headless"), QStringLiteral("127.0.0.1"), refusedPort}
                             << toInt(ExitCode::ConnectionRefused) << QStringLiteral("refused");
    QTest::newRow("host not found") << QStringList{QStringLiteral("--headless"), QStringLiteral("a..b"), QStringLiteral("80")}
                                    << toInt(ExitCode::HostNotFound) << QStringLiteral("Host not found: a..b");
    QTest::newRow("missing port") << QStringList{QStringLiteral("--headless"), QStringLiteral("127.0.0.1")}
                                  << toInt(ExitCode::UsageError) << QString();
    QTest::newRow("bad port") << QStringList{QStringLiteral("--headless"), QStringLiteral("127.0.0.1"), QStringLiteral("70000")}
                              << toInt(ExitCode::UsageError) << QStringLiteral("70000");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << toInt(ExitCode::UsageError)
                                    << QStringLiteral("frobnicate");
    QTest::newRow("bad escape") << QStringList{QStringLiteral("--headless"), QStringLiteral("127.0.0.1"), refusedPort,
                                               QStringLiteral("--send"), QStringLiteral("ab\\q")}
                                << toInt(ExitCode::UsageError) << QStringLiteral("column 3");
    QTest::newRow("unreadable send file")
        << QStringList{QStringLiteral("--headless"), QStringLiteral("127.0.0.1"), refusedPort,
                       QStringLiteral("--send-file"), QStringLiteral("/nonexistent/file")}
        << toInt(ExitCode::FileError) << QStringLiteral("/nonexistent/file");
    QTest::newRow("unknown save extension")
        << QStringList{QStringLiteral("--headless"), QStringLiteral("127.0.0.1"), refusedPort, QStringLiteral("--save"),
                       QStringLiteral("out.xyz")}
        << toInt(ExitCode::UsageError) << QStringLiteral("out.xyz");
}

void TestHeadlessRunner::exitCodes()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrContains);
    QProcess process;
    start(process, arguments);
    QVERIFY(finish(process));
    const QString stderrText = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitCode(), exitCode);
    QVERIFY2(stderrText.contains(stderrContains), qPrintable(stderrText));
    QVERIFY(!stderrText.isEmpty());
    QCOMPARE(process.readAllStandardOutput(), QByteArray());
}

void TestHeadlessRunner::connectTimeoutExitsFive()
{
    TestSupport::PendingListener listener;
    QVERIFY(listener.start());

    QProcess process;
    start(process, headless(listener.port(), {QStringLiteral("--connect-timeout"), QStringLiteral("300")}));
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), toInt(ExitCode::TimedOut));
    QVERIFY(process.readAllStandardError().contains("timed out"));
}

void TestHeadlessRunner::overallTimeoutExitsFive()
{
    LoopbackServer server; // accepts and stays silent
    QVERIFY(server.listenLocal());
    QProcess process;
    start(process, headless(server.serverPort(), {QStringLiteral("--timeout"), QStringLiteral("300")}));
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), toInt(ExitCode::TimedOut));
    QVERIFY(process.readAllStandardError().contains("timed out after 300 ms"));
}

void TestHeadlessRunner::resetByPeerExitsSix()
{
    LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("partial"));
    QVERIFY(server.listenLocal());
    connect(&server, &LoopbackServer::dataReceived, &server, &LoopbackServer::resetLastConnection);

    QProcess process;
    start(process, headless(server.serverPort(), {QStringLiteral("--send"), QStringLiteral("go")}));
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), toInt(ExitCode::ResetByPeer));
    QVERIFY(process.readAllStandardError().contains("reset by peer"));
}

void TestHeadlessRunner::saveFailureExitsSeven()
{
    LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("data"));
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());
    // A path below a regular file cannot be created, even by root.
    const QString blocker = m_dir.filePath(QStringLiteral("plainfile"));
    QFile file(blocker);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();

    QProcess process;
    start(process, headless(server.serverPort(), {QStringLiteral("--save"), blocker + QStringLiteral("/out.txt")}));
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), toInt(ExitCode::FileError));
    QVERIFY(process.readAllStandardError().contains("out.txt"));
    // Found out before connecting: nothing was exchanged.
    QCOMPARE(process.readAllStandardOutput(), QByteArray());
    QCOMPARE(server.connectionCount(), 0);
}

void TestHeadlessRunner::interruptSavesAndExits130()
{
    LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("still here\n"));
    QVERIFY(server.listenLocal());
    const QString path = m_dir.filePath(QStringLiteral("interrupted.raw"));

    QProcess process;
    start(process, headless(server.serverPort(), {QStringLiteral("--save"), path}));
    QByteArray output;
    connect(&process, &QProcess::readyReadStandardOutput, this, [&] { output += process.readAllStandardOutput(); });
    QTRY_COMPARE(output, QByteArrayLiteral("still here\n"));
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), toInt(ExitCode::Interrupted));
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), QByteArrayLiteral("still here\n"));
}

void TestHeadlessRunner::closedStdoutEndsQuietly()
{
    // Far more than a pipe holds, so the write meets the closed reader.
    LoopbackServer server;
    server.setGreeting(QByteArray(8 * 1024 * 1024, 'x'));
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());

    int fds[2];
    QCOMPARE(::pipe2(fds, O_CLOEXEC), 0);
    ::close(fds[0]); // the reader is gone before anything is written
    const int writeEnd = fds[1];
    QProcess process;
    process.setChildProcessModifier([writeEnd] { ::dup2(writeEnd, STDOUT_FILENO); });
    start(process, headless(server.serverPort()));
    ::close(writeEnd);
    QVERIFY(finish(process));
    QCOMPARE(process.readAllStandardError(), QByteArray());
    QCOMPARE(process.exitCode(), 0);
}

void TestHeadlessRunner::failingStdoutIsAFileError()
{
    LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("data"));
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());
    QProcess process;
    process.setStandardOutputFile(QStringLiteral("/dev/full"));
    start(process, headless(server.serverPort()));
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), toInt(ExitCode::FileError));
    QVERIFY(process.readAllStandardError().contains("cannot write to standard output"));
}

void TestHeadlessRunner::stalledStdoutStillHonoursTimeoutAndInterrupt_data()
{
    QTest::addColumn<bool>("interrupt");
    QTest::newRow("--timeout") << false;
    QTest::newRow("SIGINT") << true;
}

void TestHeadlessRunner::stalledStdoutStillHonoursTimeoutAndInterrupt()
{
    // A reader that never reads: the pipe fills and the write blocks.
    QFETCH(bool, interrupt);
    LoopbackServer server;
    server.setGreeting(QByteArray(4 * 1024 * 1024, 'x'));
    QVERIFY(server.listenLocal());
    int fds[2];
    QCOMPARE(::pipe2(fds, O_CLOEXEC), 0);
    const int writeEnd = fds[1];
    const QString path = m_dir.filePath(QStringLiteral("stalled.jsonl"));

    QProcess process;
    process.setChildProcessModifier([writeEnd] { ::dup2(writeEnd, STDOUT_FILENO); });
    QStringList arguments{QStringLiteral("--headless"), QStringLiteral("127.0.0.1"),
                          QString::number(server.serverPort()), QStringLiteral("--save"), path};
    if (!interrupt)
        arguments << QStringLiteral("--timeout") << QStringLiteral("500");
    start(process, arguments);
    ::close(writeEnd);
    if (interrupt) {
        // Wait until the pipe is full, then interrupt the blocked write.
        QTRY_VERIFY([&] {
            int queued = 0;
            return ::ioctl(fds[0], FIONREAD, &queued) == 0 && queued >= 65536;
        }());
        ::kill(pid_t(process.processId()), SIGINT);
    }
    QVERIFY(finish(process));
    ::close(fds[0]);
    QCOMPARE(process.exitCode(), toInt(interrupt ? ExitCode::Interrupted : ExitCode::TimedOut));
    Transcript transcript;
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::open(path, &transcript, &error), qPrintable(error.toString()));
    QVERIFY(transcript.totalBytes(Transcript::Direction::Received) > 0);
}

void TestHeadlessRunner::closedStdinIsNotReadAsData()
{
    // With descriptor 0 closed, nothing else may take its place and be read.
    LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("hi"));
    QVERIFY(server.listenLocal());
    QProcess process;
    process.setChildProcessModifier([] { ::close(STDIN_FILENO); });
    start(process, headless(server.serverPort(), {QStringLiteral("--stdin"), QStringLiteral("--send"), QStringLiteral("only this"),
                    QStringLiteral("--idle"), QStringLiteral("300")}));
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(server.receivedSoFar(), QByteArrayLiteral("only this"));
    QCOMPARE(process.readAllStandardOutput(), QByteArrayLiteral("hi"));
}

void TestHeadlessRunner::interruptWhileConnectingSaves()
{
    TestSupport::PendingListener listener;
    QVERIFY(listener.start());
    const QString path = m_dir.filePath(QStringLiteral("connecting.txt"));
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedOutputChannel);
    start(process, headless(listener.port(), {QStringLiteral("--save"), path}));
    // It connects right after installing its SIGINT handler.
    QTRY_VERIFY(catchesSigint(process.processId()));
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), toInt(ExitCode::Interrupted));
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QByteArray text = saved.readAll();
    QVERIFY2(text.contains("* connecting to 127.0.0.1:"), text.constData());
    QVERIFY2(text.contains("* disconnected (interrupted)"), text.constData());
}

void TestHeadlessRunner::sendFileMustBeARegularFile()
{
    QProcess process;
    start(process, {QStringLiteral("--headless"), QStringLiteral("127.0.0.1"), QStringLiteral("9"),
                    QStringLiteral("--send-file"), m_dir.path()});
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), toInt(ExitCode::FileError));
    QVERIFY(process.readAllStandardError().contains("not a regular file"));
}

void TestHeadlessRunner::demoRunsHeadless()
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    process.setProcessEnvironment(environment);
    start(process, {QStringLiteral("--demo")});
    QVERIFY(finish(process));
    const QByteArray output = process.readAllStandardOutput();
    QCOMPARE(process.readAllStandardError(), QByteArray());
    QCOMPARE(process.exitCode(), 0);
    QVERIFY2(output.contains("> GET / HTTP/1.1\\r\\n"), output.constData());
    QVERIFY2(output.contains("< HTTP/1.0 200 OK\\r\\n"), output.constData());
    QVERIFY2(output.contains("closed by peer"), output.constData());
}

void TestHeadlessRunner::windowWithoutDisplayIsAUsageError()
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    process.setProcessEnvironment(environment);
    start(process, {QStringLiteral("127.0.0.1"), QStringLiteral("80"), QStringLiteral("--connect")});
    QVERIFY(finish(process));
    QCOMPARE(process.exitCode(), toInt(ExitCode::UsageError));
    const QByteArray error = process.readAllStandardError();
    QVERIFY2(error.contains("no display") && error.contains("--headless"), error.constData());
}

void TestHeadlessRunner::versionAndHelp()
{
    QProcess version;
    start(version, {QStringLiteral("--version")});
    QVERIFY(finish(version));
    QCOMPARE(version.exitCode(), 0);
    QVERIFY(version.readAllStandardOutput().startsWith("socketeer " SOCKETEER_VERSION));

    QProcess help;
    start(help, {QStringLiteral("--help")});
    QVERIFY(finish(help));
    QCOMPARE(help.exitCode(), 0);
    const QByteArray text = help.readAllStandardOutput();
    for (const char *option : {"--headless", "--send", "--send-file", "--stdin", "--connect-timeout", "--idle",
                               "--timeout", "--save", "--format", "--connect", "--quit-on-close", "--demo"})
        QVERIFY2(text.contains(option), option);
}

QTEST_GUILESS_MAIN(TestHeadlessRunner)
#include "tst_headlessrunner.moc"
