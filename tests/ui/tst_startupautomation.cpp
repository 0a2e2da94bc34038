// The window's command line: --connect, --send, --save, --quit-on-close,
// in process (StartupAutomation with a MainWindow) and through the real
// binary (runWindow) on the offscreen platform. Exit codes as headless.
#include <QProcess>
#include <QPlainTextEdit>
#include <QToolButton>
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
#include "connectionsetup.h"
#include "requesteditor.h"
#include "testsupport.h"
#include "tlscontrol.h"
#include "tlstestpeer.h"
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

    void connectionOptionsFillTheWindow();
    void startTlsUpgradeDoesNotSendAgain();
    void rejectedCertificateIsNotAskedAboutWhenQuitting();

    void binaryConnectSendSaveQuit();
    void binaryConnectionOptionsAreRememberedWithoutSecrets();
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
    // The unsaved-data questions are asked with autosave off (see tst_historycontrol).
    run->settings->setAutosave(false);
    run->window = std::make_unique<MainWindow>(run->settings.get(), &run->dialogs);
    // "localhost" is 127.0.0.1 here, whatever this machine's hosts file says.
    run->window->session()->setResolver([](const QString &host) {
        return host == QLatin1String("localhost") ? QList<QHostAddress>{QHostAddress(QHostAddress::LocalHost)}
                                                  : QList<QHostAddress>{};
    });
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

void StartupAutomationTest::connectionOptionsFillTheWindow()
{
    auto run = start({QStringLiteral("127.0.0.1"), QStringLiteral("9"), QStringLiteral("--tls"), QStringLiteral("--alpn"),
                      QStringLiteral("h2,http/1.1"), QStringLiteral("-6"), QStringLiteral("--bind"), QStringLiteral("[::1]:5000"),
                      QStringLiteral("--trust"), QString(64, QLatin1Char('a'))});
    QVERIFY(run);
    const ConnectionOptions &options = run->window->connectionSetup()->options();
    QVERIFY(options.tls.enabled);
    QCOMPARE(options.tls.alpn, (QStringList{QStringLiteral("h2"), QStringLiteral("http/1.1")}));
    QCOMPARE(options.family, ConnectionOptions::Family::IPv6);
    QCOMPARE(options.proxy.type, ProxySettings::Type::None);
    QCOMPARE(options.bindAddress, QHostAddress(QStringLiteral("::1")));
    QCOMPARE(options.bindPort, quint16(5000));
    QCOMPARE(options.tls.pins, QList<QByteArray>{QByteArray(32, '\xaa')});
    QCOMPARE(run->window->connectionSetup()->summaryButton()->text(),
             QStringLiteral("TLS \u00b7 IPv6 \u00b7 from [::1]:5000 \u00b7 pinned"));

    // Without connection options, the remembered ones stay.
    run->window->saveSettings();
    auto plain = start({QStringLiteral("127.0.0.1"), QStringLiteral("9")});
    QVERIFY(plain);
    QVERIFY(plain->window->connectionSetup()->options().tls.enabled);
    QVERIFY(plain->window->connectionSetup()->options().tls.pins.isEmpty());
    QCOMPARE(plain->window->connectionSetup()->options().family, ConnectionOptions::Family::IPv6);

    // A proxy password is kept for the run, and never remembered.
    auto proxied = start({QStringLiteral("127.0.0.1"), QStringLiteral("9"), QStringLiteral("--proxy"),
                          QStringLiteral("http://bob:pw@127.0.0.1:3128")});
    QVERIFY(proxied);
    QCOMPARE(proxied->window->connectionSetup()->options().proxy.user, QStringLiteral("bob"));
    QCOMPARE(proxied->window->connectionSetup()->options().proxy.password, QStringLiteral("pw"));
    QCOMPARE(proxied->window->connectionSetup()->summaryButton()->text(), QStringLiteral("TCP \u00b7 via HTTP proxy"));
    proxied->window->saveSettings();
    QVERIFY(!readAll(m_dir->filePath(QStringLiteral("settings.ini"))).contains("pw"));
}

void StartupAutomationTest::startTlsUpgradeDoesNotSendAgain()
{
    // --send goes out on the first Connected; the upgrade's handshake
    // brings Connected again, which must send nothing.
    const TlsTestPeer::Certificate certificate = TlsTestPeer::makeSelfSigned(QDir(m_dir->path()), QStringLiteral("s"));
    QVERIFY(!certificate.cert.isEmpty());
    TlsTestPeer::StartTlsServer server(certificate);
    QVERIFY(server.start());
    auto run = start({QStringLiteral("localhost"), QString::number(server.serverPort()), QStringLiteral("--connect"),
                      QStringLiteral("--send"), QStringLiteral("STARTTLS\\r\\n")});
    QVERIFY(run);
    QVERIFY(!run->window->connectionSetup()->options().tls.enabled);
    // Trusted by its fingerprint before the connection starts (from the event loop).
    run->window->tlsControl()->trust(Session::formatEndpoint(QStringLiteral("localhost"), server.serverPort()),
                                     CertificateInfo::from(QSslCertificate::fromPath(certificate.cert).constFirst()));
    Session *session = run->window->session();
    QTRY_VERIFY_WITH_TIMEOUT(server.plainReceived.contains("STARTTLS\r\n"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(session->transcript()->read(Transcript::Direction::Received, 0, 1000).contains("220 2.0.0"),
                             30000);
    QVERIFY(run->window->tlsControl()->startTls());
    QTRY_VERIFY_WITH_TIMEOUT(session->isEncrypted() && session->state() == Session::State::Connected, 30000);
    run->window->requestEditor()->editor()->setPlainText(QStringLiteral("NOOP\n"));
    QVERIFY(run->window->sendRequest());
    QTRY_VERIFY_WITH_TIMEOUT(server.encryptedReceived.contains("NOOP"), 30000);
    QCOMPARE(server.encryptedReceived, QByteArray("NOOP\r\n"));
    QCOMPARE(server.plainReceived, QByteArray("STARTTLS\r\n"));
}

void StartupAutomationTest::rejectedCertificateIsNotAskedAboutWhenQuitting()
{
    const TlsTestPeer::Certificate certificate = TlsTestPeer::makeSelfSigned(QDir(m_dir->path()), QStringLiteral("s"));
    TlsTestPeer::Server server;
    QVERIFY(server.start(certificate));
    auto run = start({QStringLiteral("localhost"), QString::number(server.port()), QStringLiteral("--tls"),
                      QStringLiteral("--connect"), QStringLiteral("--quit-on-close")});
    QVERIFY(run);
    QTRY_COMPARE_WITH_TIMEOUT(run->quit->size(), 1, 30000);
    QCOMPARE(run->quit->at(0).at(0).toInt(), toInt(ExitCode::TlsFailed));
    QCoreApplication::processEvents(); // a queued question would come now
    QVERIFY(run->dialogs.rejections.isEmpty());
    QCOMPARE(run->dialogs.unexpected, 0);
}

void StartupAutomationTest::binaryConnectionOptionsAreRememberedWithoutSecrets()
{
    // Through a proxy that is not there: exit 9, and the settings file
    // holds the options given, without the password or the pin.
    const QString config = m_dir->filePath(QStringLiteral("config"));
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config);
    env.insert(QStringLiteral("HOME"), m_dir->path());
    process.setProcessEnvironment(env);
    const QString pin = QString(64, QLatin1Char('c'));
    process.start(QStringLiteral(SOCKETEER_BINARY),
                  {QStringLiteral("127.0.0.1"), QStringLiteral("9"), QStringLiteral("--proxy"),
                   QStringLiteral("socks5://alice:S3cretProxyPw@127.0.0.1:%1").arg(TestSupport::closedPort()),
                   QStringLiteral("--half-close"), QStringLiteral("--tls"), QStringLiteral("--alpn"),
                   QStringLiteral("h2"), QStringLiteral("--trust"), pin, QStringLiteral("--connect"),
                   QStringLiteral("--quit-on-close")});
    QVERIFY(process.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, 30000);
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), toInt(ExitCode::ProxyError));

    const QString path = config + QStringLiteral("/Socketeer/Socketeer.conf");
    const QByteArray settings = readAll(path);
    QVERIFY2(settings.contains("socks5"), settings.constData());
    QVERIFY(settings.contains("alice"));
    QVERIFY(!settings.contains("S3cretProxyPw"));
    QVERIFY(!settings.toLower().contains("password"));
    QVERIFY(!settings.toLower().contains("cc:cc:cc"));
    QVERIFY(!settings.toLower().contains("cccccccc"));
    AppSettings reread(path);
    const ConnectionOptions options = reread.connectionOptions();
    QCOMPARE(options.proxy.type, ProxySettings::Type::Socks5);
    QCOMPARE(options.proxy.user, QStringLiteral("alice"));
    QVERIFY(options.proxy.password.isEmpty());
    QVERIFY(options.halfClose);
    QVERIFY(options.tls.enabled);
    QCOMPARE(options.tls.alpn, QStringList{QStringLiteral("h2")});
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
