// UDP sessions against real peers on loopback: socat's UDP echo, and
// QUdpSocket peers in the test for exact control of sources and sizes.
#include <csignal>

#include <QBuffer>
#include <QFile>
#include <QNetworkDatagram>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUdpSocket>

#include "exitcodes.h"
#include "peerprocess.h"
#include "session.h"
#include "testsupport.h"
#include "transcript.h"
#include "transcriptio.h"

using TestSupport::PeerProcess;
using TestSupport::events;

namespace {

ConnectionOptions udpOptions(quint16 bindPort = 0)
{
    ConnectionOptions options;
    options.transport = ConnectionOptions::Transport::Udp;
    options.bindPort = bindPort;
    return options;
}

// Data entries of one direction: (bytes, source).
QList<QPair<QByteArray, QString>> chunks(const Transcript &transcript, Transcript::Direction direction)
{
    QList<QPair<QByteArray, QString>> result;
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        if (entry.kind == Transcript::Kind::Data && entry.direction == direction)
            result.append({transcript.data(i), entry.source});
    }
    return result;
}

// A UDP echo peer from socat: each datagram is answered by a child process,
// from the listening port, with the same bytes.
bool startSocatEcho(PeerProcess &peer, const QHostAddress &address, quint16 port)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const QString listen = QStringLiteral("%1:%2,bind=%3,fork")
                               .arg(v6 ? QStringLiteral("UDP6-RECVFROM") : QStringLiteral("UDP4-RECVFROM"))
                               .arg(port)
                               .arg(v6 ? QStringLiteral("[%1]").arg(address.toString()) : address.toString());
    // -b: a buffer for the largest datagram, so that socat itself cuts nothing.
    return peer.start(QStringLiteral("socat"), {QStringLiteral("-d"), QStringLiteral("-d"), QStringLiteral("-T"),
                                                QStringLiteral("5"), QStringLiteral("-b"), QStringLiteral("65536"),
                                                listen, QStringLiteral("EXEC:cat")})
        && peer.waitForOutput("receiving on");
}

} // namespace

class TestUdp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void datagramsInOrderWithSources_data();
    void datagramsInOrderWithSources();
    void secondSourceIsShown();
    void largestDatagramArrivesWhole();
    void emptyDatagramIsRecorded();
    void tooLargeIsReportedAndSessionGoesOn();
    void portUnreachableEndsWithRefused();
    void bindsChosenLocalPort();
    void bindFailureIsClear();
    void idleTimeoutEnds();
    void disconnectEndsAtOnce();
    void slotMayDeleteSessionOnDatagram();
    void headlessEchoToStdout();
    void headlessTooLargeExitsWithMessage();
    void headlessRefusedExitsFour();
    void headlessStdinDatagrams();

private:
    bool runHeadless(QProcess &process, const QStringList &arguments, const QByteArray &input = QByteArray());
    QTemporaryDir m_dir;
};

void TestUdp::initTestCase()
{
    QVERIFY2(TestSupport::haveProgram(QStringLiteral("socat")), "socat is missing: run scripts/install-deps.sh");
    QVERIFY(m_dir.isValid());
}

void TestUdp::datagramsInOrderWithSources_data()
{
    QTest::addColumn<QHostAddress>("address");
    QTest::newRow("IPv4") << QHostAddress(QHostAddress::LocalHost);
    QTest::newRow("IPv6") << QHostAddress(QHostAddress::LocalHostIPv6);
}

void TestUdp::datagramsInOrderWithSources()
{
    QFETCH(QHostAddress, address);
    PeerProcess echo;
    const quint16 port = TestSupport::freeUdpPort(address);
    QVERIFY2(startSocatEcho(echo, address, port), echo.output().constData());

    Session session;
    session.setOptions(udpOptions());
    QSignalSpy connected(&session, &Session::connected);
    QSignalSpy datagrams(&session, &Session::datagramReceived);
    QSignalSpy received(&session, &Session::received);
    QVERIFY(session.connectToHost(address.toString(), port));
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(session.state(), Session::State::Connected);

    const QList<QByteArray> sends = {"first", QByteArray("second\0with NUL", 15), "third\n"};
    for (int i = 0; i < sends.size(); ++i) {
        // One at a time: socat answers each from its own child process.
        QVERIFY(session.send(sends.at(i)));
        QTRY_COMPARE(datagrams.size(), i + 1);
        QCOMPARE(datagrams.at(i).at(0).toByteArray(), sends.at(i));
        QCOMPARE(datagrams.at(i).at(1).value<QHostAddress>(), address);
        QCOMPARE(datagrams.at(i).at(2).value<quint16>(), port);
        QCOMPARE(received.at(i).at(0).toByteArray(), sends.at(i));
    }
    QCOMPARE(session.bytesReceived(), qint64(sends.at(0).size() + sends.at(1).size() + sends.at(2).size()));

    const Transcript &transcript = *session.transcript();
    const QString source = Session::formatEndpoint(address, port);
    const auto in = chunks(transcript, Transcript::Direction::Received);
    const auto out = chunks(transcript, Transcript::Direction::Sent);
    QCOMPARE(in.size(), 3);
    QCOMPARE(out.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(in.at(i).first, sends.at(i)); // each datagram one chunk, never merged
        QCOMPARE(in.at(i).second, source);
        QCOMPARE(out.at(i).first, sends.at(i));
        QVERIFY(out.at(i).second.isEmpty());
    }
    QCOMPARE(events(transcript, TranscriptEvent::connected()), QStringList{source});
    QCOMPARE(events(transcript, TranscriptEvent::bound()).size(), 1);
    session.abort();
}

void TestUdp::secondSourceIsShown()
{
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHost, 0));
    QUdpSocket stranger;
    QVERIFY(stranger.bind(QHostAddress::LocalHost, 0));
    const quint16 localPort = TestSupport::freeUdpPort();

    Session session;
    session.setOptions(udpOptions(localPort));
    QSignalSpy datagrams(&session, &Session::datagramReceived);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), peer.localPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);

    QVERIFY(session.send("hello"));
    QTRY_VERIFY(peer.hasPendingDatagrams());
    const QNetworkDatagram request = peer.receiveDatagram();
    QCOMPARE(request.data(), QByteArray("hello"));
    QCOMPARE(request.senderPort(), int(localPort)); // sent from the chosen local port

    peer.writeDatagram("from the peer", QHostAddress::LocalHost, localPort);
    QTRY_COMPARE(datagrams.size(), 1);
    stranger.writeDatagram("from a stranger", QHostAddress::LocalHost, localPort);
    QTRY_COMPARE(datagrams.size(), 2);
    QCOMPARE(datagrams.at(1).at(0).toByteArray(), QByteArray("from a stranger"));
    QCOMPARE(datagrams.at(1).at(2).value<quint16>(), stranger.localPort());

    const auto in = chunks(*session.transcript(), Transcript::Direction::Received);
    QCOMPARE(in.size(), 2);
    QCOMPARE(in.at(0).second, Session::formatEndpoint(QHostAddress(QHostAddress::LocalHost), peer.localPort()));
    QCOMPARE(in.at(1).second, Session::formatEndpoint(QHostAddress(QHostAddress::LocalHost), stranger.localPort()));

    // The text export shows each source after the direction marker.
    QBuffer text;
    text.open(QIODevice::WriteOnly);
    QString error;
    QVERIFY(TranscriptIO::write(*session.transcript(), TranscriptIO::Format::Text, &text, &error));
    QVERIFY2(text.data().contains(QByteArray("<(127.0.0.1:" + QByteArray::number(stranger.localPort()) + ") from a stranger\n")),
             text.data().constData());
    session.abort();
}

void TestUdp::largestDatagramArrivesWhole()
{
    // A peer that answers each datagram with a datagram of the same size.
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHost, 0));
    connect(&peer, &QUdpSocket::readyRead, this, [&peer] {
        while (peer.hasPendingDatagrams()) {
            const QNetworkDatagram datagram = peer.receiveDatagram();
            peer.writeDatagram(datagram.makeReply(QByteArray(datagram.data().size(), 'r')));
        }
    });

    Session session;
    session.setOptions(udpOptions());
    QSignalSpy datagrams(&session, &Session::datagramReceived);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), peer.localPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    const QByteArray largest(65507, 'q');
    QVERIFY(session.send(largest));
    QTRY_COMPARE(datagrams.size(), 1);
    QCOMPARE(datagrams.at(0).at(0).toByteArray(), QByteArray(65507, 'r'));
    const auto in = chunks(*session.transcript(), Transcript::Direction::Received);
    QCOMPARE(in.size(), 1); // one datagram, one chunk
    QCOMPARE(in.at(0).first.size(), 65507);
    session.abort();
}

void TestUdp::emptyDatagramIsRecorded()
{
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHost, 0));
    Session session;
    session.setOptions(udpOptions());
    QSignalSpy datagrams(&session, &Session::datagramReceived);
    QSignalSpy received(&session, &Session::received);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), peer.localPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.send("ping"));
    QTRY_VERIFY(peer.hasPendingDatagrams());
    const QNetworkDatagram request = peer.receiveDatagram();
    peer.writeDatagram(request.makeReply(QByteArray()));
    peer.writeDatagram(request.makeReply("after"));
    QTRY_COMPARE(datagrams.size(), 2);
    QCOMPARE(datagrams.at(0).at(0).toByteArray(), QByteArray());
    QCOMPARE(received.size(), 1); // no bytes, nothing to pass on
    QCOMPARE(events(*session.transcript(), TranscriptEvent::emptyDatagram()),
             QStringList{QStringLiteral("127.0.0.1:%1").arg(peer.localPort())});
    session.abort();
}

void TestUdp::tooLargeIsReportedAndSessionGoesOn()
{
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHost, 0));
    Session session;
    session.setOptions(udpOptions());
    QSignalSpy errors(&session, &Session::errorOccurred);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), peer.localPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);

    QString whyNot;
    QVERIFY(!session.send(QByteArray(65508, 'x'), &whyNot));
    QCOMPARE(session.lastSendError(), Session::Error::DatagramTooLarge);
    QVERIFY2(whyNot.contains(QLatin1String("65508 bytes")) && whyNot.contains(QLatin1String("65507")),
             qPrintable(whyNot));
    const QStringList failures = events(*session.transcript(), TranscriptEvent::sendFailed());
    QCOMPARE(failures.size(), 1);
    QVERIFY(failures.at(0).contains(QLatin1String("65508 bytes")));
    QVERIFY(chunks(*session.transcript(), Transcript::Direction::Sent).isEmpty()); // nothing claimed as sent
    QCOMPARE(session.state(), Session::State::Connected);
    QCOMPARE(errors.size(), 0);

    // Still usable.
    QVERIFY(session.send("small"));
    QCOMPARE(session.lastSendError(), Session::Error::None);
    QTRY_VERIFY(peer.hasPendingDatagrams());
    QCOMPARE(peer.receiveDatagram().data(), QByteArray("small"));
    session.abort();
}

void TestUdp::portUnreachableEndsWithRefused()
{
    const quint16 closed = TestSupport::freeUdpPort();
    Session session;
    session.setOptions(udpOptions());
    QSignalSpy errors(&session, &Session::errorOccurred);
    QSignalSpy finished(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), closed));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.send("anyone?"));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(session.error(), Session::Error::ConnectionRefused);
    QVERIFY2(session.errorString().contains(QLatin1String("ICMP port unreachable"))
                 && session.errorString().contains(QStringLiteral("127.0.0.1:%1").arg(closed)),
             qPrintable(session.errorString()));
}

void TestUdp::bindsChosenLocalPort()
{
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHostIPv6, 0));
    const quint16 localPort = TestSupport::freeUdpPort(QHostAddress::LocalHostIPv6);
    Session session;
    ConnectionOptions options = udpOptions(localPort);
    options.bindAddress = QHostAddress(QHostAddress::LocalHostIPv6);
    session.setOptions(options);
    QVERIFY(session.connectToHost(QStringLiteral("[::1]"), peer.localPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QCOMPARE(events(*session.transcript(), TranscriptEvent::bound()),
             QStringList{QStringLiteral("[::1]:%1").arg(localPort)});
    QVERIFY(session.send("six"));
    QTRY_VERIFY(peer.hasPendingDatagrams());
    const QNetworkDatagram datagram = peer.receiveDatagram();
    QCOMPARE(datagram.senderAddress(), QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(datagram.senderPort(), int(localPort));
    session.abort();
}

void TestUdp::bindFailureIsClear()
{
    QUdpSocket taken;
    QVERIFY(taken.bind(QHostAddress::LocalHost, 0)); // exclusive by default
    Session session;
    ConnectionOptions options = udpOptions(taken.localPort());
    options.bindAddress = QHostAddress(QHostAddress::LocalHost);
    session.setOptions(options);
    QSignalSpy finished(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), 9));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(session.error(), Session::Error::SocketError);
    QVERIFY2(session.errorString().startsWith(QStringLiteral("Cannot bind to 127.0.0.1:%1: ").arg(taken.localPort())),
             qPrintable(session.errorString()));
}

void TestUdp::idleTimeoutEnds()
{
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHost, 0));
    Session session;
    session.setOptions(udpOptions());
    session.setIdleTimeout(200);
    QSignalSpy finished(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), peer.localPort()));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).value<Session::EndReason>(), Session::EndReason::IdleTimeout);
    QCOMPARE(session.error(), Session::Error::None);
}

void TestUdp::disconnectEndsAtOnce()
{
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHost, 0));
    Session session;
    session.setOptions(udpOptions());
    QSignalSpy finished(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), peer.localPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QString whyNot;
    QVERIFY(!session.finishSending(&whyNot)); // no half-close for UDP
    QVERIFY(!whyNot.isEmpty());
    session.disconnectFromHost();
    QCOMPARE(session.state(), Session::State::Closed);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(session.endReason(), Session::EndReason::ClosedByUser);
    QCOMPARE(events(*session.transcript(), TranscriptEvent::disconnected()).size(), 1);
}

void TestUdp::slotMayDeleteSessionOnDatagram()
{
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHost, 0));
    QPointer<Session> session = new Session;
    session->setOptions(udpOptions());
    int seen = 0;
    connect(session, &Session::datagramReceived, session, [session, &seen] {
        ++seen;
        session->abort();
        session->deleteLater();
    });
    connect(session, &Session::received, this, [] { QFAIL("received() after the session was aborted"); });
    QVERIFY(session->connectToHost(QStringLiteral("127.0.0.1"), peer.localPort()));
    QTRY_COMPARE(session->state(), Session::State::Connected);
    QVERIFY(session->send("ping"));
    QTRY_VERIFY(peer.hasPendingDatagrams());
    const QNetworkDatagram request = peer.receiveDatagram();
    // Two datagrams at once: the session is gone after the first.
    peer.writeDatagram(request.makeReply("one"));
    peer.writeDatagram(request.makeReply("two"));
    QTRY_VERIFY(session.isNull());
    QCOMPARE(seen, 1);
}

bool TestUdp::runHeadless(QProcess &process, const QStringList &arguments, const QByteArray &input)
{
    process.setProgram(QStringLiteral(SOCKETEER_BINARY));
    process.setArguments(QStringList{QStringLiteral("--headless"), QStringLiteral("--udp")} + arguments);
    process.start();
    if (!process.waitForStarted())
        return false;
    if (!input.isNull()) {
        process.write(input);
        process.closeWriteChannel();
    }
    QSignalSpy finished(&process, &QProcess::finished);
    return (process.state() == QProcess::NotRunning || finished.wait(30000))
        && process.exitStatus() == QProcess::NormalExit;
}

void TestUdp::headlessEchoToStdout()
{
    PeerProcess echo;
    const quint16 port = TestSupport::freeUdpPort();
    QVERIFY2(startSocatEcho(echo, QHostAddress(QHostAddress::LocalHost), port), echo.output().constData());
    const QString saved = m_dir.filePath(QStringLiteral("udp.jsonl"));
    QProcess process;
    QVERIFY(runHeadless(process, {QStringLiteral("127.0.0.1"), QString::number(port), QStringLiteral("--send"),
                                  QStringLiteral("datagram"), QStringLiteral("--idle"), QStringLiteral("300"),
                                  QStringLiteral("--save"), saved}));
    QCOMPARE(process.exitCode(), 0); // the idle timeout is how a UDP run ends
    QCOMPARE(process.readAllStandardOutput(), QByteArray("datagram"));
    QCOMPARE(process.readAllStandardError(), QByteArray());

    Transcript transcript;
    TranscriptIO::ReadError error;
    QVERIFY2(TranscriptIO::open(saved, &transcript, &error), qPrintable(error.toString()));
    const auto in = chunks(transcript, Transcript::Direction::Received);
    QCOMPARE(in.size(), 1);
    QCOMPARE(in.at(0).second, QStringLiteral("127.0.0.1:%1").arg(port));
    QCOMPARE(events(transcript, TranscriptEvent::idleTimeout()).size(), 1);
}

void TestUdp::headlessTooLargeExitsWithMessage()
{
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHost, 0));
    const QString big = m_dir.filePath(QStringLiteral("big.bin"));
    QFile file(big);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(70000, 'b'));
    file.close();
    QProcess process;
    QVERIFY(runHeadless(process, {QStringLiteral("127.0.0.1"), QString::number(peer.localPort()),
                                  QStringLiteral("--send-file"), big, QStringLiteral("--send"),
                                  QStringLiteral("never sent"), QStringLiteral("--idle"), QStringLiteral("5000")}));
    QCOMPARE(process.exitCode(), toInt(ExitCode::SocketError));
    const QByteArray diagnostics = process.readAllStandardError();
    QVERIFY2(diagnostics.contains("a datagram of 70000 bytes is larger than UDP over IPv4 can carry (65507 bytes at most)"),
             diagnostics.constData());
    QVERIFY(!peer.hasPendingDatagrams()); // neither the large one, cut, nor the ones after it
}

void TestUdp::headlessRefusedExitsFour()
{
    QProcess process;
    QVERIFY(runHeadless(process, {QStringLiteral("127.0.0.1"), QString::number(TestSupport::freeUdpPort()),
                                  QStringLiteral("--send"), QStringLiteral("hello?"), QStringLiteral("--idle"),
                                  QStringLiteral("10000")}));
    QCOMPARE(process.exitCode(), toInt(ExitCode::ConnectionRefused));
    const QByteArray diagnostics = process.readAllStandardError();
    QVERIFY2(diagnostics.contains("ICMP port unreachable"), diagnostics.constData());
}

void TestUdp::headlessStdinDatagrams()
{
    QUdpSocket peer;
    QVERIFY(peer.bind(QHostAddress::LocalHost, 0));
    QProcess process;
    process.setProgram(QStringLiteral(SOCKETEER_BINARY));
    process.setArguments({QStringLiteral("--headless"), QStringLiteral("--udp"), QStringLiteral("--stdin"),
                          QStringLiteral("127.0.0.1"), QString::number(peer.localPort()), QStringLiteral("--idle"),
                          QStringLiteral("10000")});
    process.start();
    QVERIFY(process.waitForStarted());
    process.write("one datagram");
    QTRY_VERIFY(peer.hasPendingDatagrams());
    const QNetworkDatagram request = peer.receiveDatagram();
    QCOMPARE(request.data(), QByteArray("one datagram"));
    peer.writeDatagram(request.makeReply("answer"));
    QByteArray output;
    QTRY_VERIFY2((output += process.readAllStandardOutput()) == "answer", process.readAllStandardError().constData());
    process.closeWriteChannel();
    ::kill(pid_t(process.processId()), SIGINT);
    QSignalSpy finished(&process, &QProcess::finished);
    QVERIFY(process.state() == QProcess::NotRunning || finished.wait(30000));
    QCOMPARE(process.exitCode(), toInt(ExitCode::Interrupted));
}

QTEST_GUILESS_MAIN(TestUdp)
#include "tst_udp.moc"
