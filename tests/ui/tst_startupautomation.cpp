// The window's command line: --connect, --send, --save, --quit-on-close,
// in process (StartupAutomation with a MainWindow) and through the real
// binary (runWindow) on the offscreen platform. Exit codes as headless.
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include "accessibilityrecorder.h"
#include "appsettings.h"
#include "commandline.h"
#include "connectionbar.h"
#include "exitcodes.h"
#include "fakedialogs.h"
#include "mainwindow.h"
#include "startupautomation.h"
#include "testsupport.h"
#include "transcript.h"

using TestSupport::LoopbackServer;

class StartupAutomationTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void connectSendSaveQuit();
    void exitCodes_data();
    void exitCodes();
    void saveFailureAfterSuccessIs7();
    void networkFailureStaysPrimaryOverSaveFailure();
    void invalidSendFailsBeforeConnecting();
    void onlyTheFirstConnectionIsAutomated();
    void connectWithoutAHostQuitsWithUsageError();

    void binaryConnectSendSaveQuit();
    void binaryRefusedExitsWith4();

private:
    struct Run {
        std::unique_ptr<AppSettings> settings;
        FakeDialogs dialogs;
        std::unique_ptr<MainWindow> window;
        std::unique_ptr<StartupAutomation> automation;
        std::unique_ptr<QSignalSpy> quit;
    };
    // A window driven by the automation, as runWindow sets them up.
    std::unique_ptr<Run> start(const QStringList &arguments);
    std::unique_ptr<Run> start(const CommandLineOptions &options);
    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    static void closeAfterFirstData(LoopbackServer &server)
    {
        QObject::connect(&server, &LoopbackServer::dataReceived, &server, [&server] {
            if (server.lastConnection())
                server.lastConnection()->disconnectFromHost();
        });
    }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void StartupAutomationTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void StartupAutomationTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

std::unique_ptr<StartupAutomationTest::Run> StartupAutomationTest::start(const QStringList &arguments)
{
    const CommandLineOptions options = parseCommandLine(QStringList{QStringLiteral("socketeer")} + arguments);
    if (options.action != CommandLineOptions::Action::Window) {
        qWarning("bad test arguments: %s", qPrintable(options.errorMessage));
        return nullptr;
    }
    return start(options);
}

std::unique_ptr<StartupAutomationTest::Run> StartupAutomationTest::start(const CommandLineOptions &options)
{
    auto run = std::make_unique<Run>();
    run->settings = std::make_unique<AppSettings>(m_dir->filePath(QStringLiteral("settings.ini")));
    run->window = std::make_unique<MainWindow>(run->settings.get(), &run->dialogs);
    if (!options.host.isEmpty())
        run->window->setEndpoint(options.host, options.port);
    run->automation = std::make_unique<StartupAutomation>(run->window.get(), options);
    run->quit = std::make_unique<QSignalSpy>(run->automation.get(), &StartupAutomation::quitRequested);
    run->window->show();
    run->automation->start();
    return run;
}

void StartupAutomationTest::connectSendSaveQuit()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting("hi\n");
    server.setEcho(true);
    closeAfterFirstData(server);
    const QString path = m_dir->filePath(QStringLiteral("out.bin"));
    auto run = start({QStringLiteral("127.0.0.1"), QString::number(server.serverPort()), QStringLiteral("--connect"),
                      QStringLiteral("--send"), QStringLiteral("one\\x21\\n"), QStringLiteral("--save"), path,
                      QStringLiteral("--quit-on-close")});
    QVERIFY(run);
    QTRY_COMPARE(run->quit->count(), 1);
    QCOMPARE(run->quit->first().first().toInt(), 0);
    QCOMPARE(server.receivedSoFar(), QByteArray("one!\n"));
    const QByteArray received = run->window->session()->transcript()->read(Transcript::Direction::Received, 0, 1000);
    QVERIFY(received.startsWith("hi\n"));
    QCOMPARE(readAll(path), received); // raw, from the extension
    QVERIFY(!run->window->session()->transcript()->isModified());
    QVERIFY(!run->window->isVisible());
    QVERIFY(run->dialogs.unsavedQuestions.isEmpty());
    QVERIFY(run->dialogs.errors.isEmpty());
    QCOMPARE(run->automation->exitCode(), 0);
}

void StartupAutomationTest::exitCodes_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("closedPort");
    QTest::addColumn<int>("expected");
    QTest::newRow("refused") << QStringLiteral("127.0.0.1") << true << toInt(ExitCode::ConnectionRefused);
    QTest::newRow("host not found") << QStringLiteral("a..b") << true << toInt(ExitCode::HostNotFound);
}

void StartupAutomationTest::exitCodes()
{
    QFETCH(QString, host);
    QFETCH(bool, closedPort);
    QFETCH(int, expected);
    Q_UNUSED(closedPort);
    auto run = start({host, QString::number(TestSupport::closedPort()), QStringLiteral("--connect"),
                      QStringLiteral("--quit-on-close")});
    QVERIFY(run);
    QTRY_COMPARE(run->quit->count(), 1);
    QCOMPARE(run->quit->first().first().toInt(), expected);
    QVERIFY(run->dialogs.unsavedQuestions.isEmpty());
}

void StartupAutomationTest::saveFailureAfterSuccessIs7()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting("bye\n");
    server.setCloseAfterGreeting(true);
    const QString path = m_dir->filePath(QStringLiteral("missing-folder/out.txt"));
    AccessibilityRecorder recorder;
    auto run = start({QStringLiteral("127.0.0.1"), QString::number(server.serverPort()), QStringLiteral("--connect"),
                      QStringLiteral("--save"), path, QStringLiteral("--quit-on-close")});
    QVERIFY(run);
    QTRY_COMPARE(run->quit->count(), 1);
    QCOMPARE(run->quit->first().first().toInt(), toInt(ExitCode::FileError));
    QVERIFY(run->dialogs.errors.isEmpty()); // no modal dialog in automation
    const QString shown = run->window->statusBar()->currentMessage();
    QCOMPARE(shown.count(QStringLiteral("out.txt")), 1); // named once, with the reason
    // Announced as an error.
    const QStringList alerts = recorder.names(QAccessible::Alert, run->window->statusBar());
    QVERIFY(!alerts.isEmpty());
    QCOMPARE(alerts.last(), QStringLiteral("Status: ") + shown);
}

void StartupAutomationTest::networkFailureStaysPrimaryOverSaveFailure()
{
    const QString path = m_dir->filePath(QStringLiteral("missing-folder/out.txt"));
    auto run = start({QStringLiteral("127.0.0.1"), QString::number(TestSupport::closedPort()),
                      QStringLiteral("--connect"), QStringLiteral("--save"), path, QStringLiteral("--quit-on-close")});
    QVERIFY(run);
    QTRY_COMPARE(run->quit->count(), 1);
    QCOMPARE(run->quit->first().first().toInt(), toInt(ExitCode::ConnectionRefused));
}

void StartupAutomationTest::invalidSendFailsBeforeConnecting()
{
    // A bad escape never reaches the window: it is a usage error of the
    // command line, reported with its position.
    const CommandLineOptions options = parseCommandLine(
        {QStringLiteral("socketeer"), QStringLiteral("127.0.0.1"), QStringLiteral("7"), QStringLiteral("--connect"),
         QStringLiteral("--send"), QStringLiteral("bad \\q"), QStringLiteral("--quit-on-close")});
    QCOMPARE(options.action, CommandLineOptions::Action::Error);
    QVERIFY2(options.errorMessage.contains(QStringLiteral("line 1, column 5")), qPrintable(options.errorMessage));
}

void StartupAutomationTest::onlyTheFirstConnectionIsAutomated()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto run = start({QStringLiteral("127.0.0.1"), QString::number(server.serverPort()), QStringLiteral("--connect"),
                      QStringLiteral("--send"), QStringLiteral("once")});
    QVERIFY(run);
    QTRY_COMPARE(server.receivedSoFar(), QByteArray("once"));
    run->window->disconnectFromHost();
    QTRY_COMPARE(run->window->session()->state(), Session::State::Closed);
    QVERIFY(run->automation->isDone());
    QCOMPARE(run->quit->count(), 0); // no --quit-on-close

    run->dialogs.unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Discard);
    QVERIFY(run->window->connectToHost());
    QTRY_COMPARE(run->window->session()->state(), Session::State::Connected);
    QTRY_COMPARE(server.connectionCount(), 2);
    QCOMPARE(server.receivedSoFar(), QByteArray("once")); // not sent again
}

void StartupAutomationTest::connectWithoutAHostQuitsWithUsageError()
{
    // The window refuses to connect without a host: the automation must
    // not wait for a connection that never comes.
    CommandLineOptions options;
    options.connectAtStart = true;
    options.quitOnClose = true;
    auto run = start(options);
    QVERIFY(run);
    QVERIFY(run->window->connectionBar()->host().isEmpty());
    QTRY_COMPARE(run->quit->count(), 1);
    QCOMPARE(run->quit->first().first().toInt(), toInt(ExitCode::UsageError));
    QCOMPARE(run->automation->exitCode(), toInt(ExitCode::UsageError));
    QVERIFY(run->automation->isDone());
    QCOMPARE(run->window->session()->state(), Session::State::Idle);
    QVERIFY2(run->window->statusBar()->currentMessage().contains(QStringLiteral("no host")),
             qPrintable(run->window->statusBar()->currentMessage()));
    QVERIFY(!run->window->isVisible());
}

void StartupAutomationTest::binaryConnectSendSaveQuit()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setEcho(true);
    closeAfterFirstData(server);
    const QString path = m_dir->filePath(QStringLiteral("e2e.jsonl"));
    const QString config = m_dir->filePath(QStringLiteral("config"));

    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config); // never the user's settings
    env.insert(QStringLiteral("HOME"), m_dir->path());
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(SOCKETEER_BINARY),
                  {QStringLiteral("127.0.0.1"), QString::number(server.serverPort()), QStringLiteral("--connect"),
                   QStringLiteral("--send"), QStringLiteral("GET\\r\\n"), QStringLiteral("--save"), path,
                   QStringLiteral("--quit-on-close")});
    QVERIFY(process.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, 30000);
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    QCOMPARE(server.receivedSoFar(), QByteArray("GET\r\n"));

    Transcript saved;
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::open(path, &saved, &error), qPrintable(error.toString()));
    QCOMPARE(saved.read(Transcript::Direction::Received, 0, 100), QByteArray("GET\r\n"));

    // The window remembered the host, in a private settings file.
    const QString settings = config + QStringLiteral("/Socketeer/Socketeer.conf");
    QVERIFY(QFile::exists(settings));
    QCOMPARE(QFile::permissions(settings) & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());
    QVERIFY(readAll(settings).contains("127.0.0.1"));
}

void StartupAutomationTest::binaryRefusedExitsWith4()
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir->filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("HOME"), m_dir->path());
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(SOCKETEER_BINARY),
                  {QStringLiteral("127.0.0.1"), QString::number(TestSupport::closedPort()), QStringLiteral("--connect"),
                   QStringLiteral("--quit-on-close")});
    QVERIFY(process.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, 30000);
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), toInt(ExitCode::ConnectionRefused));
}

QTEST_MAIN(StartupAutomationTest)
#include "tst_startupautomation.moc"
