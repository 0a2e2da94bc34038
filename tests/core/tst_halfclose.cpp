// TCP half-close against socat running `wc -c`: the peer answers only after
// it reads end of input, so an answer proves that our FIN went out after the
// request and that we kept reading. (A QTcpServer peer cannot answer after
// end of input: Qt closes that socket.)
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include "peerprocess.h"
#include "session.h"
#include "transcript.h"

using TestSupport::PeerProcess;

namespace {

QStringList eventNames(const Transcript &transcript)
{
    QStringList names;
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        names.append(entry.kind == Transcript::Kind::Event ? entry.event : QStringLiteral("data"));
    }
    return names;
}

// One connection to `wc -c`; returns the port, 0 on failure.
quint16 startCounter(PeerProcess &peer)
{
    const quint16 port = TestSupport::freeTcpPort();
    const bool started = peer.start(QStringLiteral("socat"),
                                    {QStringLiteral("-d"), QStringLiteral("-d"),
                                     QStringLiteral("TCP4-LISTEN:%1,bind=127.0.0.1,reuseaddr").arg(port),
                                     QStringLiteral("EXEC:wc -c")})
        && peer.waitForOutput("listening on");
    return started ? port : 0;
}

} // namespace

class TestHalfClose : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void peerAnswersAfterOurFin();
    void finIsSentAfterEverythingQueued();
    void refusedWhenNotConnected();
    void headlessAfterLastSend();
    void headlessAtEndOfStdin();
};

void TestHalfClose::initTestCase()
{
    QVERIFY2(TestSupport::haveProgram(QStringLiteral("socat")), "socat is missing: run scripts/install-deps.sh");
}

void TestHalfClose::peerAnswersAfterOurFin()
{
    PeerProcess counter;
    const quint16 port = startCounter(counter);
    QVERIFY2(port != 0, counter.output().constData());

    Session session;
    ConnectionOptions options;
    options.halfClose = true;
    session.setOptions(options);
    QSignalSpy received(&session, &Session::received);
    QSignalSpy finished(&session, &Session::finished);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), port));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.send("hello"));
    QVERIFY(session.finishSending());
    QVERIFY(session.isSendingFinished());
    QString whyNot;
    QVERIFY(!session.send("more", &whyNot)); // the sending side is closing
    QVERIFY2(whyNot.contains(QLatin1String("half-close")), qPrintable(whyNot));

    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(session.endReason(), Session::EndReason::ClosedByPeer);
    QCOMPARE(session.error(), Session::Error::None);
    QByteArray answer;
    for (const QList<QVariant> &arguments : std::as_const(received))
        answer += arguments.at(0).toByteArray();
    QCOMPARE(answer, QByteArray("5\n"));
    const QStringList names = eventNames(*session.transcript());
    QCOMPARE(names, (QStringList{QStringLiteral("connecting"), QStringLiteral("connected"), QStringLiteral("data"),
                                 QStringLiteral("half_closed"), QStringLiteral("data"), QStringLiteral("closed_by_peer")}));
}

void TestHalfClose::finIsSentAfterEverythingQueued()
{
    PeerProcess counter;
    const quint16 port = startCounter(counter);
    QVERIFY2(port != 0, counter.output().constData());
    Session session;
    QSignalSpy finished(&session, &Session::finished);
    QByteArray answer;
    connect(&session, &Session::received, this, [&answer](const QByteArray &bytes) { answer += bytes; });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), port));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    const QByteArray large(4 * 1024 * 1024, 'z'); // more than the socket buffers hold at once
    QVERIFY(session.send(large));
    QVERIFY(session.finishSending());
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(answer, QByteArray::number(large.size()) + '\n');
    QCOMPARE(session.bytesSent(), qint64(large.size()));
}

void TestHalfClose::refusedWhenNotConnected()
{
    Session session;
    QString whyNot;
    QVERIFY(!session.finishSending(&whyNot));
    QVERIFY(!whyNot.isEmpty());
    QVERIFY(!session.isSendingFinished());
}

void TestHalfClose::headlessAfterLastSend()
{
    PeerProcess counter;
    const quint16 port = startCounter(counter);
    QVERIFY2(port != 0, counter.output().constData());
    QProcess process;
    process.start(QStringLiteral(SOCKETEER_BINARY),
                  {QStringLiteral("--headless"), QStringLiteral("--half-close"), QStringLiteral("127.0.0.1"),
                   QString::number(port), QStringLiteral("--send"), QStringLiteral("abc"), QStringLiteral("--send"),
                   QStringLiteral("defg")});
    QVERIFY(process.waitForStarted());
    QSignalSpy done(&process, &QProcess::finished);
    QVERIFY(process.state() == QProcess::NotRunning || done.wait(30000));
    QCOMPARE(process.readAllStandardError(), QByteArray());
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(), QByteArray("7\n"));
}

void TestHalfClose::headlessAtEndOfStdin()
{
    PeerProcess counter;
    const quint16 port = startCounter(counter);
    QVERIFY2(port != 0, counter.output().constData());
    QProcess process;
    process.start(QStringLiteral(SOCKETEER_BINARY),
                  {QStringLiteral("--headless"), QStringLiteral("--half-close"), QStringLiteral("--stdin"),
                   QStringLiteral("127.0.0.1"), QString::number(port)});
    QVERIFY(process.waitForStarted());
    process.write(QByteArray(100000, 'i'));
    process.closeWriteChannel();
    QSignalSpy done(&process, &QProcess::finished);
    QVERIFY(process.state() == QProcess::NotRunning || done.wait(30000));
    QCOMPARE(process.readAllStandardError(), QByteArray());
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput(), QByteArray("100000\n"));
}

QTEST_GUILESS_MAIN(TestHalfClose)
#include "tst_halfclose.moc"
