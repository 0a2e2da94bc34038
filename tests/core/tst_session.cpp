#include <QElapsedTimer>
#include <QFile>
#include <QNetworkInterface>
#include <QRegularExpression>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "session.h"
#include "testsupport.h"

using TestSupport::LoopbackServer;

namespace {

// Bytes whose value depends on their position, so that a lost, repeated or
// reordered piece shows.
QByteArray patterned(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 31 + i / 4093) % 251);
    return bytes;
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void connectSendReceive();
    void addressLiterals_data();
    void addressLiterals();
    void hostNameIsResolvedAndReported();
    void sendWhileNotConnectedIsRefused();
    void manyChunksKeepTheirOrder();
    void peerCloseIsAnEventNotAnError();
    void dataBeforePeerCloseIsKept();
    void resetByPeerIsAnError();
    void refusedConnection();
    void hostNotFound();
    void connectTimeout();
    void idleTimeout();
    void idleTimeoutWithoutAnyTraffic();
    void userDisconnect();
    void abortWhileConnecting();
    void eachConnectionHasItsOwnTranscript();
    void connectIsRefusedWhileActive();
    void nextAddressIsTriedAfterARefusal();
    void abortFromStateChangedSlot_data();
    void abortFromStateChangedSlot();
    void abortFromHostResolvedSlotStaysClosed();
    void deleteFromFinishedSlot();
    void reconnectFromFinishedSlot();
    void staleCallbacksDoNotTouchTheNextConnection();
    void queuedBytesLeftUnsentAreRecorded();
    void noDescriptorLeaks();
    void recordDataOffKeepsEventsOnly();
    void readsInBoundedChunks();
    void dataBeforeAResetIsKept();
    void abortFromReceivedSlotStopsReading();
    void deleteFromReceivedSlot();
    void nestedEventLoopInReceivedSlotLosesNothing();
    void keptChunksStayIntact();

private:
    static QList<Session::State> states(const QSignalSpy &spy);
    bool m_hasIpv6 = false;
};

void TestSession::initTestCase()
{
    qRegisterMetaType<Session::State>();
    qRegisterMetaType<Session::Error>();
    qRegisterMetaType<Session::EndReason>();
    QTcpServer probe;
    m_hasIpv6 = probe.listen(QHostAddress::LocalHostIPv6, 0);
}

QList<Session::State> TestSession::states(const QSignalSpy &spy)
{
    QList<Session::State> result;
    for (const QList<QVariant> &args : spy)
        result.append(args.at(0).value<Session::State>());
    return result;
}

void TestSession::connectSendReceive()
{
    LoopbackServer server;
    server.setEcho(true);
    QVERIFY(server.listenLocal());

    Session session;
    QSignalSpy stateSpy(&session, &Session::stateChanged);
    QSignalSpy connectedSpy(&session, &Session::connected);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QCOMPARE(connectedSpy.count(), 1);
    QCOMPARE(connectedSpy.at(0).at(0).value<QHostAddress>(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(session.peerAddress(), QHostAddress(QHostAddress::LocalHost));

    QByteArray received;
    connect(&session, &Session::received, this, [&received](const QByteArray &bytes) { received += bytes; });
    QVERIFY(session.send(QByteArrayLiteral("hello\r\n")));
    QTRY_COMPARE(received, QByteArrayLiteral("hello\r\n"));
    QCOMPARE(server.receivedSoFar(), QByteArrayLiteral("hello\r\n"));
    QCOMPARE(session.bytesSent(), 7);
    QCOMPARE(session.bytesReceived(), 7);
    QCOMPARE(states(stateSpy), (QList<Session::State>{Session::State::Connecting, Session::State::Connected}));

    const std::shared_ptr<Transcript> transcript = session.transcript();
    QVERIFY(transcript);
    QCOMPARE(transcript->totalBytes(Transcript::Direction::Sent), 7);
    QCOMPARE(transcript->totalBytes(Transcript::Direction::Received), 7);
    QCOMPARE(transcript->read(Transcript::Direction::Received, 0, 100), QByteArrayLiteral("hello\r\n"));
    QCOMPARE(transcript->entry(0).event, TranscriptEvent::connecting());
    QCOMPARE(transcript->entry(1).event, TranscriptEvent::connected());
    QCOMPARE(transcript->entry(1).detail, QStringLiteral("127.0.0.1:%1").arg(server.serverPort()));
    QCOMPARE(transcript->host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(transcript->port(), server.serverPort());
}

void TestSession::addressLiterals_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("ipv6");
    QTest::newRow("ipv4") << QStringLiteral("127.0.0.1") << false;
    QTest::newRow("ipv6 bare") << QStringLiteral("::1") << true;
    QTest::newRow("ipv6 bracketed") << QStringLiteral("[::1]") << true;
    QTest::newRow("ipv6 with spaces") << QStringLiteral(" [::1] ") << true;
}

void TestSession::addressLiterals()
{
    QFETCH(QString, host);
    QFETCH(bool, ipv6);
    if (ipv6 && !m_hasIpv6)
        QSKIP("No IPv6 loopback on this machine");

    LoopbackServer server;
    QVERIFY(server.listenLocal(ipv6 ? QHostAddress(QHostAddress::LocalHostIPv6) : QHostAddress(QHostAddress::LocalHost)));
    Session session;
    QSignalSpy lookupSpy(&session, &Session::hostResolved);
    QVERIFY(session.connectToHost(host, server.serverPort()));
    // A literal is never looked up.
    QCOMPARE(session.state(), Session::State::Connecting);
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QCOMPARE(lookupSpy.count(), 0);
    QCOMPARE(session.peerAddress(), server.serverAddress());
    QCOMPARE(session.host(), ipv6 ? QStringLiteral("::1") : QStringLiteral("127.0.0.1"));
    if (ipv6) {
        QCOMPARE(session.transcript()->entry(1).detail, QStringLiteral("[::1]:%1").arg(server.serverPort()));
        QCOMPARE(session.transcript()->entry(0).detail, QStringLiteral("[::1]:%1").arg(server.serverPort()));
    }
}

void TestSession::hostNameIsResolvedAndReported()
{
    // The system resolver, for a name it answers from /etc/hosts without
    // asking any DNS server.
    if (!TestSupport::hostsFileNamesLocalhost())
        QSKIP("/etc/hosts does not name 127.0.0.1 localhost");

    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    QSignalSpy lookupSpy(&session, &Session::hostResolved);
    QVERIFY(session.connectToHost(QStringLiteral("localhost"), server.serverPort()));
    QCOMPARE(session.state(), Session::State::LookingUp);
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QCOMPARE(lookupSpy.count(), 1);
    const auto addresses = lookupSpy.at(0).at(0).value<QList<QHostAddress>>();
    QVERIFY(addresses.contains(QHostAddress(QHostAddress::LocalHost)));
    // Whatever address order the resolver gave, the one that answered is reported.
    QCOMPARE(session.peerAddress(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(session.transcript()->entry(1).event, TranscriptEvent::lookedUp());
}

void TestSession::sendWhileNotConnectedIsRefused()
{
    Session session;
    QString why;
    QVERIFY(!session.send(QByteArrayLiteral("x"), &why));
    QVERIFY2(why.contains(QStringLiteral("not connected")), qPrintable(why));

    LoopbackServer server;
    QVERIFY(server.listenLocal());
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    why.clear();
    QVERIFY(!session.send(QByteArrayLiteral("x"), &why)); // still connecting
    QVERIFY(!why.isEmpty());
    QCOMPARE(session.bytesSent(), 0);
}

void TestSession::manyChunksKeepTheirOrder()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);

    QByteArray expected;
    for (int i = 0; i < 2000; ++i) {
        const QByteArray chunk = QByteArray::number(i) + ',';
        expected += chunk;
        QVERIFY(session.send(chunk));
    }
    QTRY_COMPARE(server.receivedSoFar().size(), expected.size());
    QCOMPARE(server.receivedSoFar(), expected);
    QTRY_COMPARE(session.bytesSent(), qint64(expected.size()));
    QCOMPARE(session.transcript()->read(Transcript::Direction::Sent, 0, expected.size()), expected);
}

void TestSession::peerCloseIsAnEventNotAnError()
{
    LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("bye\n"));
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());

    Session session;
    QSignalSpy errorSpy(&session, &Session::errorOccurred);
    QSignalSpy finishedSpy(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(finishedSpy.count(), 1);
    QCOMPARE(finishedSpy.at(0).at(0).value<Session::EndReason>(), Session::EndReason::ClosedByPeer);
    QCOMPARE(errorSpy.count(), 0);
    QCOMPARE(session.error(), Session::Error::None);
    QCOMPARE(session.state(), Session::State::Closed);
    QCOMPARE(session.bytesReceived(), 4);

    const std::shared_ptr<Transcript> transcript = session.transcript();
    const Transcript::Entry last = transcript->entry(transcript->entryCount() - 1);
    QCOMPARE(last.event, TranscriptEvent::closedByPeer());
}

void TestSession::dataBeforePeerCloseIsKept()
{
    // A large reply written and closed at once must arrive whole.
    const QByteArray payload = patterned(3 * 1024 * 1024);
    LoopbackServer server;
    server.setGreeting(payload);
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());

    Session session;
    QByteArray received;
    connect(&session, &Session::received, this, [&received](const QByteArray &bytes) { received += bytes; });
    QSignalSpy finishedSpy(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(finishedSpy.count(), 1);
    QCOMPARE(session.endReason(), Session::EndReason::ClosedByPeer);
    QCOMPARE(received.size(), payload.size());
    QVERIFY(received == payload);
    QCOMPARE(session.transcript()->totalBytes(Transcript::Direction::Received), payload.size());
}

void TestSession::resetByPeerIsAnError()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    QSignalSpy errorSpy(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QTRY_VERIFY(server.lastConnection());
    server.resetLastConnection();

    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(errorSpy.count(), 1);
    QCOMPARE(session.error(), Session::Error::ResetByPeer);
    QCOMPARE(session.endReason(), Session::EndReason::Error);
    QVERIFY2(session.errorString().contains(QStringLiteral("reset")), qPrintable(session.errorString()));
    const std::shared_ptr<Transcript> transcript = session.transcript();
    QCOMPARE(transcript->entry(transcript->entryCount() - 1).event, TranscriptEvent::error());
}

void TestSession::refusedConnection()
{
    const quint16 port = TestSupport::closedPort();
    Session session;
    QSignalSpy errorSpy(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), port));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(errorSpy.count(), 1);
    QCOMPARE(session.error(), Session::Error::ConnectionRefused);
    QCOMPARE(session.errorString(), QStringLiteral("Connection refused by 127.0.0.1:%1").arg(port));
    // One error event, after the connecting event.
    const std::shared_ptr<Transcript> transcript = session.transcript();
    QCOMPARE(transcript->entryCount(), 2);
    QCOMPARE(transcript->entry(1).event, TranscriptEvent::error());
    QCOMPARE(transcript->entry(1).detail, session.errorString());
}

void TestSession::hostNotFound()
{
    // The resolver rejects "a..b" without asking any DNS server.
    Session session;
    QSignalSpy errorSpy(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(QStringLiteral("a..b"), 80));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(errorSpy.count(), 1);
    QCOMPARE(session.error(), Session::Error::HostNotFound);
    QCOMPARE(session.errorString(), QStringLiteral("Host not found: a..b"));
}

void TestSession::connectTimeout()
{
    TestSupport::PendingListener listener;
    QVERIFY(listener.start());

    Session session;
    session.setConnectTimeout(300);
    QSignalSpy errorSpy(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), listener.port()));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(errorSpy.count(), 1);
    QCOMPARE(session.error(), Session::Error::ConnectTimeout);
    QVERIFY2(session.errorString().contains(QStringLiteral("timed out")), qPrintable(session.errorString()));
}

void TestSession::idleTimeout()
{
    LoopbackServer server;
    server.setEcho(true);
    QVERIFY(server.listenLocal());
    Session session;
    session.setIdleTimeout(150);
    QSignalSpy finishedSpy(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.send(QByteArrayLiteral("ping")));
    QTRY_COMPARE(finishedSpy.count(), 1);
    QCOMPARE(session.endReason(), Session::EndReason::IdleTimeout);
    QCOMPARE(session.error(), Session::Error::None);
    // The echo arrived before the idle period began.
    QCOMPARE(session.bytesReceived(), 4);
    const std::shared_ptr<Transcript> transcript = session.transcript();
    QCOMPARE(transcript->entry(transcript->entryCount() - 1).event, TranscriptEvent::idleTimeout());
}

void TestSession::idleTimeoutWithoutAnyTraffic()
{
    // A peer that waits for the client to speak first, and a client that never does.
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    session.setIdleTimeout(150);
    QSignalSpy finishedSpy(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(finishedSpy.count(), 1);
    QCOMPARE(session.endReason(), Session::EndReason::IdleTimeout);
    QCOMPARE(session.bytesReceived(), 0);
    QCOMPARE(session.bytesSent(), 0);
}

void TestSession::userDisconnect()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    QSignalSpy stateSpy(&session, &Session::stateChanged);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.send(QByteArrayLiteral("last words")));
    session.disconnectFromHost();
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(session.endReason(), Session::EndReason::ClosedByUser);
    QVERIFY(states(stateSpy).contains(Session::State::Closing));
    // Pending data was written before the close.
    QTRY_COMPARE(server.receivedSoFar(), QByteArrayLiteral("last words"));
    QTRY_COMPARE(server.lastConnection()->state(), QAbstractSocket::UnconnectedState);
    bool sawDisconnected = false;
    const std::shared_ptr<Transcript> transcript = session.transcript();
    for (qint64 i = 0; i < transcript->entryCount(); ++i)
        sawDisconnected |= transcript->entry(i).event == TranscriptEvent::disconnected();
    QVERIFY(sawDisconnected);
}

void TestSession::abortWhileConnecting()
{
    TestSupport::PendingListener listener;
    QVERIFY(listener.start());

    Session session;
    QSignalSpy finishedSpy(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), listener.port()));
    QCOMPARE(session.state(), Session::State::Connecting);
    session.disconnectFromHost();
    QCOMPARE(session.state(), Session::State::Closed);
    QCOMPARE(finishedSpy.count(), 1);
    QCOMPARE(session.endReason(), Session::EndReason::ClosedByUser);
    QCOMPARE(session.error(), Session::Error::None);
}

void TestSession::eachConnectionHasItsOwnTranscript()
{
    LoopbackServer server;
    server.setEcho(true);
    QVERIFY(server.listenLocal());
    Session session;
    QSignalSpy startedSpy(&session, &Session::transcriptStarted);

    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.send(QByteArrayLiteral("one")));
    QTRY_COMPARE(session.bytesReceived(), 3);
    const std::shared_ptr<Transcript> first = session.transcript();
    session.disconnectFromHost();
    QTRY_COMPARE(session.state(), Session::State::Closed);

    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QCOMPARE(session.bytesReceived(), 0);
    const std::shared_ptr<Transcript> second = session.transcript();
    QVERIFY(first != second);
    QCOMPARE(startedSpy.count(), 2);
    QCOMPARE(second->totalBytes(Transcript::Direction::Sent), 0);
    QCOMPARE(first->totalBytes(Transcript::Direction::Sent), 3);
}

void TestSession::connectIsRefusedWhileActive()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QVERIFY(!session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(!session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    // A round trip after the refused attempts: had any of them connected, it
    // would have arrived by now.
    server.setEcho(true);
    QVERIFY(session.send(QByteArrayLiteral("x")));
    QTRY_COMPARE(session.bytesReceived(), 1);
    QCOMPARE(server.connectionCount(), 1);
}

void TestSession::nextAddressIsTriedAfterARefusal()
{
    // The server listens on 127.0.0.1 only, so 127.0.0.2 refuses.
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    session.setResolver([](const QString &host) {
        return host == QLatin1String("dual.test")
            ? QList<QHostAddress>{QHostAddress(QStringLiteral("127.0.0.2")), QHostAddress(QHostAddress::LocalHost)}
            : QList<QHostAddress>{};
    });
    QVERIFY(session.connectToHost(QStringLiteral("dual.test"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QCOMPARE(session.peerAddress(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(session.error(), Session::Error::None);
    const std::shared_ptr<Transcript> transcript = session.transcript();
    QStringList events;
    for (qint64 i = 0; i < transcript->entryCount(); ++i)
        events << transcript->entry(i).event;
    QCOMPARE(events, (QStringList{TranscriptEvent::connecting(), TranscriptEvent::lookedUp(), TranscriptEvent::error(),
                                  TranscriptEvent::connected()}));
    QVERIFY(transcript->entry(2).detail.contains(QStringLiteral("127.0.0.2")));

    // A name the resolver does not know is "host not found".
    session.abort();
    QVERIFY(session.connectToHost(QStringLiteral("other.test"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(session.error(), Session::Error::HostNotFound);
}

void TestSession::abortFromStateChangedSlot_data()
{
    QTest::addColumn<Session::State>("abortIn");
    QTest::newRow("connecting") << Session::State::Connecting;
    QTest::newRow("connected") << Session::State::Connected;
    QTest::newRow("closing") << Session::State::Closing;
}

void TestSession::abortFromStateChangedSlot()
{
    QFETCH(Session::State, abortIn);
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    QSignalSpy finishedSpy(&session, &Session::finished);
    connect(&session, &Session::stateChanged, this, [&session, abortIn](Session::State state) {
        if (state == abortIn)
            session.abort();
    });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    if (abortIn == Session::State::Closing) {
        QTRY_COMPARE(session.state(), Session::State::Connected);
        session.disconnectFromHost();
    }
    QTRY_COMPARE(finishedSpy.count(), 1);
    QCOMPARE(session.state(), Session::State::Closed);
    QCOMPARE(session.endReason(), Session::EndReason::ClosedByUser);
    // Nothing more arrives later from the abandoned socket.
    QVERIFY(!finishedSpy.wait(100));
    QCOMPARE(finishedSpy.count(), 1);
}

void TestSession::abortFromHostResolvedSlotStaysClosed()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    session.setResolver([](const QString &) { return QList<QHostAddress>{QHostAddress(QHostAddress::LocalHost)}; });
    connect(&session, &Session::hostResolved, &session, [&session] { session.abort(); });
    QSignalSpy finishedSpy(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("resolved.test"), server.serverPort()));
    QTRY_COMPARE(finishedSpy.count(), 1);
    QCOMPARE(session.state(), Session::State::Closed);
    QVERIFY(!finishedSpy.wait(100));
    QCOMPARE(session.state(), Session::State::Closed);
    QCOMPARE(server.connectionCount(), 0);
}

void TestSession::deleteFromFinishedSlot()
{
    // The session is deleted while Qt is still inside the socket's signal
    // that ended it (run under ASan to see a use after free).
    LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("bye"));
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());
    auto *session = new Session;
    QPointer<Session> guard(session);
    connect(session, &Session::finished, this, [session] { delete session; });
    QVERIFY(session->connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_VERIFY(guard.isNull());
}

void TestSession::reconnectFromFinishedSlot()
{
    LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("bye"));
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());
    Session session;
    int finishes = 0;
    connect(&session, &Session::finished, this, [&] {
        if (++finishes == 1)
            QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(finishes, 2);
    QCOMPARE(server.connectionCount(), 2);
    QCOMPARE(session.endReason(), Session::EndReason::ClosedByPeer);
}

void TestSession::staleCallbacksDoNotTouchTheNextConnection()
{
    // An empty host fails from the event loop; aborted before that, its
    // failure must not land on the next connection.
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    QVERIFY(session.connectToHost(QStringLiteral(" "), server.serverPort()));
    session.abort();
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QCOMPARE(session.error(), Session::Error::None);

    // The same for a name lookup in flight.
    session.abort();
    session.setResolver([](const QString &) { return QList<QHostAddress>{QHostAddress(QHostAddress::LocalHost)}; });
    QVERIFY(session.connectToHost(QStringLiteral("name.test"), server.serverPort()));
    QCOMPARE(session.state(), Session::State::LookingUp);
    session.abort();
    const quint16 refused = TestSupport::closedPort();
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), refused));
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(session.error(), Session::Error::ConnectionRefused);
    QVERIFY(!QTest::qWaitFor([&] { return session.state() != Session::State::Closed; }, 200));
}

void TestSession::queuedBytesLeftUnsentAreRecorded()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.send(QByteArrayLiteral("never")));
    QCOMPARE(session.bytesToWrite(), 5); // written from the event loop
    session.abort(QStringLiteral("testing"));
    const std::shared_ptr<Transcript> transcript = session.transcript();
    const qint64 count = transcript->entryCount();
    QCOMPARE(transcript->entry(count - 2).event, TranscriptEvent::unsent());
    QCOMPARE(transcript->entry(count - 2).detail, QStringLiteral("5 queued bytes never written"));
    QCOMPARE(transcript->entry(count - 1).event, TranscriptEvent::disconnected());
    QCOMPARE(transcript->entry(count - 1).detail, QStringLiteral("testing"));
    QCOMPARE(session.bytesSent(), 0);
}

void TestSession::noDescriptorLeaks()
{
    LoopbackServer server;
    server.setEcho(true);
    QVERIFY(server.listenLocal());
    const int before = TestSupport::openFileDescriptorCount();
    const quint16 refused = TestSupport::closedPort();
    for (int round = 0; round < 5; ++round) {
        {
            Session session; // peer close
            QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
            QTRY_COMPARE(session.state(), Session::State::Connected);
            QTRY_VERIFY(server.lastConnection());
            server.lastConnection()->disconnectFromHost();
            QTRY_COMPARE(session.state(), Session::State::Closed);
        }
        {
            Session session; // reset
            QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
            QTRY_COMPARE(session.state(), Session::State::Connected);
            QTRY_COMPARE(server.connectionCount(), 4 * round + 2);
            server.resetLastConnection();
            QTRY_COMPARE(session.error(), Session::Error::ResetByPeer);
        }
        {
            Session session; // user close, then refused, then destroyed while connected
            QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
            QTRY_COMPARE(session.state(), Session::State::Connected);
            session.disconnectFromHost();
            QTRY_COMPARE(session.state(), Session::State::Closed);
            QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), refused));
            QTRY_COMPARE(session.state(), Session::State::Closed);
            QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
            QTRY_COMPARE(session.state(), Session::State::Connected);
        }
    }
    // Let deferred deletions of sockets run, on both sides.
    QTRY_COMPARE(TestSupport::openFileDescriptorCount() - before, 0);
}

// With setRecordData(false) the bytes still flow and are counted, but the
// transcript holds the events alone.
void TestSession::recordDataOffKeepsEventsOnly()
{
    LoopbackServer server;
    server.setEcho(true);
    QVERIFY(server.listenLocal());
    Session session;
    session.setRecordData(false);
    QVERIFY(!session.recordsData());
    QByteArray received;
    connect(&session, &Session::received, this, [&received](const QByteArray &bytes) { received += bytes; });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.send(QByteArrayLiteral("hello")));
    QTRY_COMPARE(received, QByteArrayLiteral("hello"));
    const std::shared_ptr<Transcript> transcript = session.transcript();
    QVERIFY(!transcript->hasData());
    QCOMPARE(transcript->entry(0).event, TranscriptEvent::connecting());
    QCOMPARE(transcript->entry(1).event, TranscriptEvent::connected());
    QCOMPARE(session.bytesReceived(), 5);
    session.setRecordData(true);
    QVERIFY(session.send(QByteArrayLiteral("again")));
    QTRY_COMPARE(received, QByteArrayLiteral("helloagain"));
    QCOMPARE(transcript->read(Transcript::Direction::Received, 0, 100), QByteArrayLiteral("again"));
}

// A flood arrives in chunks of at most readBufferSize, however much the
// kernel holds at once.
void TestSession::readsInBoundedChunks()
{
    LoopbackServer server;
    const QByteArray flood(8 * Session::readBufferSize, 'f');
    server.setGreeting(flood);
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());
    Session session;
    qint64 total = 0;
    qint64 largest = 0;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) {
        total += bytes.size();
        largest = std::max<qint64>(largest, bytes.size());
    });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(total, flood.size());
    QVERIFY(largest > 0);
    QVERIFY(largest <= Session::readBufferSize);
    QCOMPARE(session.transcript()->totalBytes(Transcript::Direction::Received), flood.size());
}

namespace {

// A listening socket on 127.0.0.1 driven with plain system calls, so that a
// test can queue bytes and a reset in the client's socket before the client
// runs again (Qt's server would write from the event loop).
class RawListener
{
public:
    RawListener()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address = {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&address), length) != 0 || ::listen(m_fd, 1) != 0
            || ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
            ::close(m_fd);
            m_fd = -1;
            return;
        }
        m_port = ntohs(address.sin_port);
    }
    ~RawListener()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    quint16 port() const { return m_port; }
    // The connection the kernel has completed (blocks until there is one).
    int accept() const { return ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC); }

private:
    int m_fd = -1;
    quint16 m_port = 0;
};

} // namespace

// Bytes queued before a reset are delivered, then the reset is the error
// (plain TCP is read straight from the descriptor, so the reset reaches
// that read, not Qt's).
void TestSession::dataBeforeAResetIsKept()
{
    RawListener listener;
    QVERIFY(listener.port() != 0);
    Session session;
    QByteArray received;
    connect(&session, &Session::received, this, [&received](const QByteArray &bytes) { received += bytes; });
    QSignalSpy errorSpy(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), listener.port()));
    QTRY_COMPARE(session.state(), Session::State::Connected);

    const int peer = listener.accept();
    QVERIFY(peer >= 0);
    const QByteArray payload = patterned(32 * 1024);
    QCOMPARE(::send(peer, payload.constData(), size_t(payload.size()), 0), ssize_t(payload.size()));
    const linger abortive = {1, 0};
    QCOMPARE(::setsockopt(peer, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive), 0);
    ::close(peer); // RST, after the bytes already queued at the client

    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(errorSpy.count(), 1);
    QCOMPARE(session.error(), Session::Error::ResetByPeer);
    QVERIFY(received == payload);
    QCOMPARE(session.bytesReceived(), payload.size());
    QCOMPARE(session.transcript()->read(Transcript::Direction::Received, 0, payload.size()), payload);
}

// A slot may end the session in the middle of a flood: nothing more is read
// or emitted for that connection.
void TestSession::abortFromReceivedSlotStopsReading()
{
    LoopbackServer server;
    server.setGreeting(QByteArray(16 * Session::readBufferSize, 'a'));
    QVERIFY(server.listenLocal());
    Session session;
    int chunks = 0;
    connect(&session, &Session::received, this, [&](const QByteArray &) {
        ++chunks;
        session.abort();
    });
    QSignalSpy finishedSpy(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(finishedSpy.count(), 1);
    QCOMPARE(chunks, 1);
    QCOMPARE(session.endReason(), Session::EndReason::ClosedByUser);
    QVERIFY(session.bytesReceived() <= Session::readBufferSize);
    QCOMPARE(session.transcript()->totalBytes(Transcript::Direction::Received), session.bytesReceived());
}

void TestSession::deleteFromReceivedSlot()
{
    LoopbackServer server;
    server.setGreeting(QByteArray(16 * Session::readBufferSize, 'd'));
    QVERIFY(server.listenLocal());
    QPointer<Session> session = new Session;
    int chunks = 0;
    connect(session, &Session::received, this, [&](const QByteArray &bytes) {
        ++chunks;
        QVERIFY(!bytes.isEmpty());
        delete session.data();
    });
    QVERIFY(session->connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_VERIFY(session.isNull());
    QCOMPARE(chunks, 1);
}

// Qt emits no readyRead while a slot of it runs: what arrives during a
// nested event loop in a received() slot is delivered after it.
void TestSession::nestedEventLoopInReceivedSlotLosesNothing()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    Session session;
    QByteArray received;
    bool nested = false;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) {
        received += bytes;
        if (std::exchange(nested, true))
            return;
        server.lastConnection()->write("B");
        server.lastConnection()->flush();
        // The slot's own event loop, as a dialog would run, while "B" arrives.
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 100)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QTRY_VERIFY(server.lastConnection());
    server.lastConnection()->write("A");
    QTRY_COMPARE(received, QByteArrayLiteral("AB"));
    server.lastConnection()->write("CDE");
    QTRY_COMPARE(received, QByteArrayLiteral("ABCDE"));
    QCOMPARE(session.transcript()->read(Transcript::Direction::Received, 0, 5), QByteArrayLiteral("ABCDE"));
}

// A slot may keep chunks (the read buffer is then not reused under it) and
// run the event loop: every byte arrives once, in order.
void TestSession::keptChunksStayIntact()
{
    const QByteArray payload = patterned(6 * Session::readBufferSize + 12345);
    LoopbackServer server;
    server.setGreeting(payload);
    server.setCloseAfterGreeting(true);
    QVERIFY(server.listenLocal());

    Session session;
    QByteArray received;
    QList<QPair<qsizetype, QByteArray>> kept;
    int count = 0;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) {
        if (++count % 3 == 0)
            kept.append({received.size(), bytes});
        received += bytes;
        if (count % 5 == 0)
            QCoreApplication::processEvents();
    });
    QSignalSpy finishedSpy(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(finishedSpy.count(), 1, 30000);
    QCOMPARE(session.endReason(), Session::EndReason::ClosedByPeer);
    QCOMPARE(received.size(), payload.size());
    QVERIFY(received == payload);
    QVERIFY(!kept.isEmpty());
    for (const auto &[offset, bytes] : kept)
        QVERIFY(bytes == payload.mid(offset, bytes.size()));
    QVERIFY(session.transcript()->read(Transcript::Direction::Received, 0, payload.size()) == payload);
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
