// Address families (-4/-6) through the substitutable resolver, IPv6 on ::1
// with real sockets, and the local bind address and port of TCP.
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include "exitcodes.h"
#include "peerprocess.h"
#include "session.h"
#include "testsupport.h"
#include "transcript.h"

using TestSupport::LoopbackServer;
using TestSupport::events;

namespace {

const QHostAddress v4(QHostAddress::LocalHost);
const QHostAddress v6(QHostAddress::LocalHostIPv6);

} // namespace

class TestAddresses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void familyPicksTheAddress_data();
    void familyPicksTheAddress();
    void familyWithoutSuchAddressFails_data();
    void familyWithoutSuchAddressFails();
    void bracketedIPv6Literal();
    void bindChoosesLocalPort_data();
    void bindChoosesLocalPort();
    void bindAddressFamilyFiltersAddresses();
    void bindFailures_data();
    void bindFailures();
    void headlessBindAndFamily();
    void headlessFamilyMismatchExitsThree();

private:
    bool runHeadless(QProcess &process, const QStringList &arguments);
};

void TestAddresses::familyPicksTheAddress_data()
{
    QTest::addColumn<ConnectionOptions::Family>("family");
    QTest::addColumn<QHostAddress>("expected");
    QTest::newRow("any: first address") << ConnectionOptions::Family::Any << v6;
    QTest::newRow("-4") << ConnectionOptions::Family::IPv4 << v4;
    QTest::newRow("-6") << ConnectionOptions::Family::IPv6 << v6;
}

void TestAddresses::familyPicksTheAddress()
{
    QFETCH(ConnectionOptions::Family, family);
    QFETCH(QHostAddress, expected);
    // One port on both loopbacks, a listener on each.
    LoopbackServer server4;
    QVERIFY(server4.listenLocal(v4));
    LoopbackServer server6;
    QVERIFY(server6.listen(v6, server4.serverPort()));

    Session session;
    session.setResolver([](const QString &host) {
        return host == QLatin1String("dual.test") ? QList<QHostAddress>{v6, v4} : QList<QHostAddress>();
    });
    ConnectionOptions options;
    options.family = family;
    session.setOptions(options);
    QSignalSpy connected(&session, &Session::connected);
    QVERIFY(session.connectToHost(QStringLiteral("dual.test"), server4.serverPort()));
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(connected.at(0).at(0).value<QHostAddress>(), expected);
    QCOMPARE(session.peerAddress(), expected);
    QTRY_COMPARE((expected == v4 ? server4 : server6).connectionCount(), 1);
    QCOMPARE((expected == v4 ? server6 : server4).connectionCount(), 0);

    const Transcript &transcript = *session.transcript();
    QCOMPARE(events(transcript, TranscriptEvent::lookedUp()), QStringList{QStringLiteral("::1, 127.0.0.1")});
    QCOMPARE(events(transcript, TranscriptEvent::connected()),
             QStringList{Session::formatEndpoint(expected, server4.serverPort())}); // the address used
    session.abort();
}

void TestAddresses::familyWithoutSuchAddressFails_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<ConnectionOptions::Family>("family");
    QTest::addColumn<QString>("message");
    QTest::newRow("name, -6") << QStringLiteral("v4only.test") << ConnectionOptions::Family::IPv6
                              << QStringLiteral("v4only.test has no IPv6 address, as -6 asks (it resolved to 127.0.0.1)");
    QTest::newRow("name, -4") << QStringLiteral("v6only.test") << ConnectionOptions::Family::IPv4
                              << QStringLiteral("v6only.test has no IPv4 address, as -4 asks (it resolved to ::1)");
    QTest::newRow("IPv4 literal, -6") << QStringLiteral("127.0.0.1") << ConnectionOptions::Family::IPv6
                                      << QStringLiteral("127.0.0.1 is not an IPv6 address, as -6 asks");
    QTest::newRow("IPv6 literal, -4") << QStringLiteral("[::1]") << ConnectionOptions::Family::IPv4
                                      << QStringLiteral("::1 is not an IPv4 address, as -4 asks");
}

void TestAddresses::familyWithoutSuchAddressFails()
{
    QFETCH(QString, host);
    QFETCH(ConnectionOptions::Family, family);
    QFETCH(QString, message);
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    session.setResolver([](const QString &name) {
        if (name == QLatin1String("v4only.test"))
            return QList<QHostAddress>{v4};
        if (name == QLatin1String("v6only.test"))
            return QList<QHostAddress>{v6};
        return QList<QHostAddress>();
    });
    ConnectionOptions options;
    options.family = family;
    session.setOptions(options);
    QSignalSpy errors(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(host, server.serverPort()));
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(session.error(), Session::Error::HostNotFound);
    QCOMPARE(session.errorString(), message);
    QCOMPARE(server.connectionCount(), 0);
}

void TestAddresses::bracketedIPv6Literal()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal(v6));
    Session session;
    ConnectionOptions options;
    options.family = ConnectionOptions::Family::IPv6;
    session.setOptions(options);
    QVERIFY(session.connectToHost(QStringLiteral("[::1]"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QCOMPARE(events(*session.transcript(), TranscriptEvent::connected()),
             QStringList{QStringLiteral("[::1]:%1").arg(server.serverPort())});
    session.abort();
}

void TestAddresses::bindChoosesLocalPort_data()
{
    QTest::addColumn<QHostAddress>("address");
    QTest::addColumn<bool>("withAddress");
    QTest::newRow("IPv4 address and port") << v4 << true;
    QTest::newRow("IPv6 address and port") << v6 << true;
    QTest::newRow("port only") << v4 << false;
}

void TestAddresses::bindChoosesLocalPort()
{
    QFETCH(QHostAddress, address);
    QFETCH(bool, withAddress);
    LoopbackServer server;
    QVERIFY(server.listenLocal(address));
    const quint16 localPort = TestSupport::freeTcpPort(address);
    Session session;
    ConnectionOptions options;
    if (withAddress)
        options.bindAddress = address;
    options.bindPort = localPort;
    session.setOptions(options);
    QVERIFY(session.connectToHost(address.toString(), server.serverPort()));
    QTRY_VERIFY(server.lastConnection());
    QCOMPARE(server.lastConnection()->peerPort(), localPort); // the peer sees the chosen port
    QTRY_COMPARE(session.state(), Session::State::Connected);
    const QStringList bound = events(*session.transcript(), TranscriptEvent::bound());
    QCOMPARE(bound, QStringList{Session::formatEndpoint(address, localPort)});
    session.abort();
}

void TestAddresses::bindAddressFamilyFiltersAddresses()
{
    // A name with both families and an IPv4 local address: only IPv4 is tried.
    LoopbackServer server;
    QVERIFY(server.listenLocal(v4));
    Session session;
    session.setResolver([](const QString &) { return QList<QHostAddress>{v6, v4}; });
    ConnectionOptions options;
    options.bindAddress = v4;
    session.setOptions(options);
    QSignalSpy connected(&session, &Session::connected);
    QVERIFY(session.connectToHost(QStringLiteral("dual.test"), server.serverPort()));
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(connected.at(0).at(0).value<QHostAddress>(), v4);
    QCOMPARE(events(*session.transcript(), TranscriptEvent::error()), QStringList()); // ::1 never tried
    session.abort();
}

void TestAddresses::bindFailures_data()
{
    QTest::addColumn<QHostAddress>("bindAddress");
    QTest::addColumn<bool>("portInUse");
    QTest::addColumn<QString>("reason");
    // TEST-NET-1 (RFC 5737): never an address of this machine; nothing is sent.
    QTest::newRow("address not local") << QHostAddress(QStringLiteral("192.0.2.1")) << false
                                       << QStringLiteral("Cannot bind to 192.0.2.1:0: ");
    QTest::newRow("port in use") << v4 << true << QStringLiteral("Cannot bind to 127.0.0.1:%1: ");
}

void TestAddresses::bindFailures()
{
    QFETCH(QHostAddress, bindAddress);
    QFETCH(bool, portInUse);
    QFETCH(QString, reason);
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    ConnectionOptions options;
    options.bindAddress = bindAddress;
    if (portInUse) {
        options.bindPort = server.serverPort(); // a listener holds it
        reason = reason.arg(options.bindPort);
    }
    session.setOptions(options);
    QSignalSpy errors(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(session.error(), Session::Error::SocketError);
    QVERIFY2(session.errorString().startsWith(reason) && session.errorString().size() > reason.size(),
             qPrintable(session.errorString()));
    QCOMPARE(server.connectionCount(), 0);
}

bool TestAddresses::runHeadless(QProcess &process, const QStringList &arguments)
{
    return TestSupport::runHeadless(process, QStringLiteral(SOCKETEER_BINARY), arguments);
}

void TestAddresses::headlessBindAndFamily()
{
    LoopbackServer server;
    server.setGreeting("hi\n");
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal(v6));
    quint16 seenPort = 0; // as the server saw it on accepting
    connect(&server, &QTcpServer::newConnection, this, [&] { seenPort = server.lastConnection()->peerPort(); });
    const quint16 localPort = TestSupport::freeTcpPort(v6);
    QProcess process;
    QVERIFY(runHeadless(process, {QStringLiteral("-6"), QStringLiteral("--bind"),
                                  QStringLiteral("[::1]:%1").arg(localPort), QStringLiteral("::1"),
                                  QString::number(server.serverPort())}));
    QCOMPARE(process.readAllStandardError(), QByteArray());
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(), QByteArray("hi\n"));
    QCOMPARE(seenPort, localPort);
}

void TestAddresses::headlessFamilyMismatchExitsThree()
{
    QProcess process;
    QVERIFY(runHeadless(process, {QStringLiteral("-6"), QStringLiteral("127.0.0.1"), QStringLiteral("9")}));
    QCOMPARE(process.exitCode(), toInt(ExitCode::HostNotFound));
    QCOMPARE(process.readAllStandardError(), QByteArray("socketeer: 127.0.0.1 is not an IPv6 address, as -6 asks\n"));
}

QTEST_GUILESS_MAIN(TestAddresses)
#include "tst_addresses.moc"
