// TCP through real proxies from Debian's packages, started on loopback by
// the test: microsocks (SOCKS5, with and without a user and password) and
// tinyproxy (HTTP CONNECT). Both through Session and the headless binary.
#include <unistd.h>

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "exitcodes.h"
#include "peerprocess.h"
#include "session.h"
#include "testsupport.h"
#include "transcript.h"

using TestSupport::LoopbackServer;
using TestSupport::events;
using TestSupport::PeerProcess;

namespace {

} // namespace

class TestProxy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void echoThroughProxy_data();
    void echoThroughProxy();
    void proxyResolvesTheName();
    void failuresAreTheProxys_data();
    void failuresAreTheProxys();
    void noLocalBindThroughProxy();
    void headlessThroughProxy_data();
    void headlessThroughProxy();
    void headlessProxyErrorsExitNine_data();
    void headlessProxyErrorsExitNine();
    void headlessPasswordNeverShown();
    void headlessSystemProxy();

private:
    QString socks(bool withUser, const QString &password = QStringLiteral("s3cret")) const;
    QString http() const;
    ProxySettings settings(const QString &url) const;
    bool runHeadless(QProcess &process, const QStringList &arguments);

    QTemporaryDir m_dir;
    PeerProcess m_socks;
    PeerProcess m_socksAuth;
    PeerProcess m_http;
    quint16 m_socksPort = 0;
    quint16 m_socksAuthPort = 0;
    quint16 m_httpPort = 0;
    quint16 m_closedPort = 0;
    LoopbackServer m_target;
};

void TestProxy::initTestCase()
{
    for (const QString &program : {QStringLiteral("microsocks"), QStringLiteral("tinyproxy")})
        QVERIFY2(TestSupport::haveProgram(program), qPrintable(program + QLatin1String(" is missing: run scripts/install-deps.sh")));
    QVERIFY(m_dir.isValid());
    m_target.setEcho(true);
    QVERIFY(m_target.listenLocal());
    m_closedPort = TestSupport::closedPort();

    const QHostAddress loopback(QHostAddress::LocalHost);
    m_socksPort = TestSupport::freeTcpPort();
    QVERIFY(m_socks.start(QStringLiteral("microsocks"),
                          {QStringLiteral("-i"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(m_socksPort)}));
    m_socksAuthPort = TestSupport::freeTcpPort();
    QVERIFY(m_socksAuth.start(QStringLiteral("microsocks"),
                              {QStringLiteral("-i"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                               QString::number(m_socksAuthPort), QStringLiteral("-u"), QStringLiteral("alice"),
                               QStringLiteral("-P"), QStringLiteral("s3cret")}));

    // tinyproxy: on loopback, for loopback clients; without ConnectPort
    // lines it allows CONNECT to any port.
    m_httpPort = TestSupport::freeTcpPort();
    QString config = QStringLiteral("Port %1\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nAllow 127.0.0.1\n")
                         .arg(m_httpPort);
    if (::geteuid() == 0) // it refuses to keep running as root
        config += QStringLiteral("User nobody\nGroup nogroup\n");
    const QString configPath = m_dir.filePath(QStringLiteral("tinyproxy.conf"));
    QFile file(configPath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(config.toUtf8());
    file.close();
    QVERIFY(m_http.start(QStringLiteral("tinyproxy"), {QStringLiteral("-d"), QStringLiteral("-c"), configPath}));

    QVERIFY2(m_socks.waitForTcp(loopback, m_socksPort), m_socks.output().constData());
    QVERIFY2(m_socksAuth.waitForTcp(loopback, m_socksAuthPort), m_socksAuth.output().constData());
    QVERIFY2(m_http.waitForTcp(loopback, m_httpPort), m_http.output().constData());
}

void TestProxy::cleanupTestCase()
{
    m_socks.stop();
    m_socksAuth.stop();
    m_http.stop();
}

QString TestProxy::socks(bool withUser, const QString &password) const
{
    if (!withUser)
        return QStringLiteral("socks5://127.0.0.1:%1").arg(m_socksPort);
    return QStringLiteral("socks5://alice:%1@127.0.0.1:%2").arg(password).arg(m_socksAuthPort);
}

QString TestProxy::http() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_httpPort);
}

ProxySettings TestProxy::settings(const QString &url) const
{
    QString error;
    const std::optional<ProxySettings> proxy = ProxySettings::fromUrl(url, &error);
    return proxy.value_or(ProxySettings());
}

void TestProxy::echoThroughProxy_data()
{
    QTest::addColumn<QString>("proxy");
    QTest::newRow("socks5") << socks(false);
    QTest::newRow("socks5 with user and password") << socks(true);
    QTest::newRow("http connect") << http();
}

void TestProxy::echoThroughProxy()
{
    QFETCH(QString, proxy);
    Session session;
    ConnectionOptions options;
    options.proxy = settings(proxy);
    QVERIFY(options.proxy.type != ProxySettings::Type::None);
    session.setOptions(options);
    QSignalSpy received(&session, &Session::received);
    QSignalSpy states(&session, &Session::stateChanged);
    const int before = m_target.connectionCount();
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), m_target.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.send("through the proxy"));
    QTRY_COMPARE(m_target.receivedSoFar().endsWith("through the proxy"), true);
    QTRY_VERIFY(!received.isEmpty());
    QCOMPARE(m_target.connectionCount(), before + 1);
    // Never a local lookup: straight to Connecting.
    QCOMPARE(states.at(0).at(0).value<Session::State>(), Session::State::Connecting);

    const Transcript &transcript = *session.transcript();
    const QStringList proxies = events(transcript, TranscriptEvent::proxy());
    QCOMPARE(proxies.size(), 1);
    QVERIFY2(!proxies.at(0).contains(QLatin1String("s3cret")), qPrintable(proxies.at(0))); // never the password
    QVERIFY(proxies.at(0).contains(QLatin1String("127.0.0.1:")));
    const QStringList connected = events(transcript, TranscriptEvent::connected());
    QCOMPARE(connected.size(), 1);
    QVERIFY2(connected.at(0).contains(QLatin1String(" through 127.0.0.1:")), qPrintable(connected.at(0)));
    session.abort();
}

void TestProxy::proxyResolvesTheName()
{
    // A name only the proxy can resolve proves that no local lookup happened:
    // the session's own resolver would fail it. The proxy resolves it from
    // /etc/hosts, without asking a DNS server.
    if (!TestSupport::hostsFileNamesLocalhost())
        QSKIP("/etc/hosts does not name 127.0.0.1 localhost");
    Session session;
    session.setResolver([](const QString &) { return QList<QHostAddress>(); });
    ConnectionOptions options;
    options.proxy = settings(socks(false));
    session.setOptions(options);
    QVERIFY(session.connectToHost(QStringLiteral("localhost"), m_target.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(events(*session.transcript(), TranscriptEvent::lookedUp()).isEmpty());
    session.abort();
}

void TestProxy::failuresAreTheProxys_data()
{
    QTest::addColumn<QString>("proxy");
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("closedTarget");
    QTest::addColumn<QString>("message");
    QTest::newRow("wrong password") << socks(true, QStringLiteral("wrong")) << QStringLiteral("127.0.0.1") << false
                                    << QStringLiteral("proxy 127.0.0.1:%1 refused the user name or password");
    QTest::newRow("no password") << QStringLiteral("socks5://127.0.0.1:%1") << QStringLiteral("127.0.0.1") << false
                                 << QStringLiteral("proxy 127.0.0.1:%1 requires a user name and password");
    QTest::newRow("socks5 target refused") << socks(false) << QStringLiteral("127.0.0.1") << true
                                           << QStringLiteral("proxy 127.0.0.1:%1 could not reach 127.0.0.1:");
    QTest::newRow("socks5 target unknown") << socks(false) << QStringLiteral("a..b") << false
                                           << QStringLiteral("proxy 127.0.0.1:%1 could not reach a..b:");
    QTest::newRow("http target refused") << http() << QStringLiteral("127.0.0.1") << true
                                         << QStringLiteral("proxy 127.0.0.1:%1 could not reach 127.0.0.1:");
    QTest::newRow("proxy not running") << QStringLiteral("socks5://127.0.0.1:%1") << QStringLiteral("127.0.0.1")
                                       << false << QStringLiteral("proxy 127.0.0.1:%1 refused the connection");
}

void TestProxy::failuresAreTheProxys()
{
    QFETCH(QString, proxy);
    QFETCH(QString, host);
    QFETCH(bool, closedTarget);
    QFETCH(QString, message);
    quint16 proxyPort = 0;
    if (QByteArray(QTest::currentDataTag()) == "no password") {
        proxyPort = m_socksAuthPort;
        proxy = proxy.arg(proxyPort);
    } else if (QByteArray(QTest::currentDataTag()) == "proxy not running") {
        proxyPort = TestSupport::closedPort();
        proxy = proxy.arg(proxyPort);
    }
    ProxySettings proxySettings = settings(proxy);
    if (proxyPort == 0)
        proxyPort = proxySettings.port;
    message = message.arg(proxyPort);

    Session session;
    ConnectionOptions options;
    options.proxy = proxySettings;
    session.setOptions(options);
    QSignalSpy errors(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(host, closedTarget ? m_closedPort : m_target.serverPort()));
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(session.error(), Session::Error::ProxyFailed);
    QVERIFY2(session.errorString().startsWith(message), qPrintable(session.errorString() + QLatin1String(" / ") + message));
    QCOMPARE(session.state(), Session::State::Closed);
}

void TestProxy::noLocalBindThroughProxy()
{
    Session session;
    ConnectionOptions options;
    options.proxy = settings(socks(false));
    options.bindPort = TestSupport::freeTcpPort();
    session.setOptions(options);
    QSignalSpy errors(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), m_target.serverPort()));
    QTRY_COMPARE(errors.size(), 1);
    QVERIFY2(session.errorString().contains(QLatin1String("through a proxy")), qPrintable(session.errorString()));
}

bool TestProxy::runHeadless(QProcess &process, const QStringList &arguments)
{
    return TestSupport::runHeadless(process, QStringLiteral(SOCKETEER_BINARY), arguments);
}

void TestProxy::headlessThroughProxy_data()
{
    echoThroughProxy_data();
}

void TestProxy::headlessThroughProxy()
{
    QFETCH(QString, proxy);
    QProcess process;
    // The target closes once it has the request; the echo comes first.
    LoopbackServer target;
    target.setEcho(true);
    target.setCloseAfterReceiving(5);
    QVERIFY(target.listenLocal());
    QVERIFY(runHeadless(process, {QStringLiteral("--proxy"), proxy, QStringLiteral("127.0.0.1"),
                                  QString::number(target.serverPort()), QStringLiteral("--send"), QStringLiteral("hello")}));
    QCOMPARE(process.readAllStandardError(), QByteArray());
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(), QByteArray("hello"));
}

void TestProxy::headlessProxyErrorsExitNine_data()
{
    QTest::addColumn<QString>("proxy");
    QTest::addColumn<bool>("closedTarget");
    QTest::addColumn<QString>("message");
    QTest::newRow("wrong password") << socks(true, QStringLiteral("wrong")) << false
                                    << QStringLiteral("socketeer: proxy 127.0.0.1:%1 refused the user name or password\n")
                                           .arg(m_socksAuthPort);
    QTest::newRow("socks5 unreachable target")
        << socks(false) << true
        << QStringLiteral("socketeer: proxy 127.0.0.1:%1 could not reach 127.0.0.1:%2: ").arg(m_socksPort).arg(m_closedPort);
    QTest::newRow("http unreachable target")
        << http() << true
        << QStringLiteral("socketeer: proxy 127.0.0.1:%1 could not reach 127.0.0.1:%2: ").arg(m_httpPort).arg(m_closedPort);
}

void TestProxy::headlessProxyErrorsExitNine()
{
    QFETCH(QString, proxy);
    QFETCH(bool, closedTarget);
    QFETCH(QString, message);
    QProcess process;
    QVERIFY(runHeadless(process, {QStringLiteral("--proxy"), proxy, QStringLiteral("127.0.0.1"),
                                  QString::number(closedTarget ? m_closedPort : m_target.serverPort()),
                                  QStringLiteral("--send"), QStringLiteral("x")}));
    QCOMPARE(process.exitCode(), toInt(ExitCode::ProxyError));
    const QString diagnostics = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(diagnostics.startsWith(message), qPrintable(diagnostics));
    QCOMPARE(process.readAllStandardOutput(), QByteArray());
}

void TestProxy::headlessPasswordNeverShown()
{
    const QString saved = m_dir.filePath(QStringLiteral("proxied.txt"));
    QProcess process;
    QVERIFY(runHeadless(process, {QStringLiteral("--proxy"), socks(true, QStringLiteral("wrong-s3cret")),
                                  QStringLiteral("127.0.0.1"), QString::number(m_target.serverPort()),
                                  QStringLiteral("--save"), saved}));
    QCOMPARE(process.exitCode(), toInt(ExitCode::ProxyError));
    QFile file(saved);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY2(text.contains("* through proxy socks5://alice@127.0.0.1:"), text.constData());
    QVERIFY(!text.contains("wrong-s3cret"));
    QVERIFY(!process.readAllStandardError().contains("wrong-s3cret"));
}

void TestProxy::headlessSystemProxy()
{
    // Debian's Qt asks libproxy, which reads http_proxy from the environment
    // when no desktop proxy setting exists.
    const QString saved = m_dir.filePath(QStringLiteral("system.txt"));
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : environment.keys()) {
        if (name.endsWith(QLatin1String("_proxy"), Qt::CaseInsensitive))
            environment.remove(name);
    }
    environment.insert(QStringLiteral("http_proxy"), socks(false));
    process.setProcessEnvironment(environment);
    LoopbackServer target;
    target.setEcho(true);
    target.setCloseAfterReceiving(2);
    QVERIFY(target.listenLocal());
    QVERIFY(runHeadless(process, {QStringLiteral("--proxy"), QStringLiteral("system"), QStringLiteral("127.0.0.1"),
                                  QString::number(target.serverPort()), QStringLiteral("--send"), QStringLiteral("hi"),
                                  QStringLiteral("--save"), saved}));
    QCOMPARE(process.readAllStandardError(), QByteArray());
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(), QByteArray("hi"));
    QFile file(saved);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY2(text.contains(QByteArray("* through proxy " + socks(false).toUtf8() + "\n")), text.constData());
}

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
