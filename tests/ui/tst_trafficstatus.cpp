// TrafficStatus: the status bar's transfer rates after a real exchange on
// loopback, sampled from the session's counters; hidden before the first
// connection; the final averages once it ends; values in the accessible name.
#include <QLabel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QtTest>

#include "accessibilityrecorder.h"
#include "session.h"
#include "sessionstatus.h"
#include "testsupport.h"
#include "trafficstatus.h"

using TestSupport::LoopbackServer;

class tst_TrafficStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void formatRate_data();
    void formatRate();
    void hiddenBeforeTheFirstConnection();
    void ratesOfALoopbackExchange();
    void newConnectionStartsAfresh();
};

void tst_TrafficStatus::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void tst_TrafficStatus::formatRate_data()
{
    QTest::addColumn<double>("rate");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << QStringLiteral("0 bytes/s");
    QTest::newRow("bytes") << 512.4 << QStringLiteral("512 bytes/s");
    QTest::newRow("KiB") << 1536.0 << QStringLiteral("1.5 KiB/s");
    QTest::newRow("MiB") << 50.0 * 1024 * 1024 << QStringLiteral("50.0 MiB/s");
    QTest::newRow("GiB") << 2.5 * 1024 * 1024 * 1024 << QStringLiteral("2.5 GiB/s");
}

void tst_TrafficStatus::formatRate()
{
    QFETCH(double, rate);
    QFETCH(QString, text);
    QCOMPARE(TrafficStatus::formatRate(rate), text);
}

void tst_TrafficStatus::hiddenBeforeTheFirstConnection()
{
    Session session;
    QStatusBar bar;
    TrafficStatus status(&session, &bar);
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    QCOMPARE(status.label()->objectName(), QStringLiteral("statusRates"));
    QVERIFY(!status.label()->isVisible());
    QVERIFY(!status.label()->toolTip().isEmpty());
    QCOMPARE(status.label()->accessibleName(), QStringLiteral("Rates: not connected"));
}

void tst_TrafficStatus::ratesOfALoopbackExchange()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    const QByteArray greeting(300 * 1024, 'g');
    server.setGreeting(greeting);
    server.setEcho(true);
    Session session;
    QStatusBar bar;
    SessionStatus sessionStatus(&session, &bar);
    TrafficStatus status(&session, &bar);
    bar.show();
    AccessibilityRecorder recorder;

    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(status.label()->isVisible());
    QVERIFY(status.received().isRunning());
    QTRY_COMPARE(session.bytesReceived(), qint64(greeting.size()));
    QString whyNot;
    QVERIFY2(session.send("ping\n", &whyNot), qPrintable(whyNot));
    QTRY_COMPARE(session.bytesReceived(), qint64(greeting.size() + 5));
    // Sampled on a timer, not per chunk: the meter catches up within a tick.
    QTRY_COMPARE(status.received().bytes(), qint64(greeting.size() + 5));
    QTRY_COMPARE(status.sent().bytes(), qint64(5));
    QVERIFY(status.received().averageRate() > 0);
    const QString live = status.label()->accessibleName();
    QVERIFY2(live.startsWith(QStringLiteral("Rates: received ")) && live.contains(QStringLiteral(" now, "))
                 && live.contains(QStringLiteral("average; sent ")),
             qPrintable(live));
    QVERIFY2(status.label()->text().startsWith(QStringLiteral("In ")), qPrintable(status.label()->text()));

    session.disconnectFromHost();
    QTRY_COMPARE(session.state(), Session::State::Closed);
    // The final averages, from the whole connection, stay shown.
    QVERIFY(!status.received().isRunning());
    QCOMPARE(status.received().bytes(), session.bytesReceived());
    QCOMPARE(status.sent().bytes(), session.bytesSent());
    const QString inAverage = TrafficStatus::formatRate(status.received().averageRate());
    const QString outAverage = TrafficStatus::formatRate(status.sent().averageRate());
    QCOMPARE(status.label()->accessibleName(),
             QStringLiteral("Average rates: received %1, sent %2").arg(inAverage, outAverage));
    QCOMPARE(status.label()->text(), QStringLiteral("Average in %1, out %2").arg(inAverage, outAverage));
    QVERIFY(status.label()->isVisible());
    QVERIFY(recorder.names(QAccessible::NameChanged, status.label())
                .contains(QStringLiteral("Average rates: received %1, sent %2").arg(inAverage, outAverage)));
    // And the byte counts beside them.
    const QString bytes = sessionStatus.bytesLabel()->accessibleName();
    QCOMPARE(bytes, QStringLiteral("Sent: 5 bytes, received: %1").arg(SessionStatus::formatBytes(greeting.size() + 5)));
}

void tst_TrafficStatus::newConnectionStartsAfresh()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    server.setGreeting(QByteArray(1000, 'a'));
    Session session;
    QStatusBar bar;
    TrafficStatus status(&session, &bar);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.bytesReceived(), qint64(1000));
    session.disconnectFromHost();
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(status.received().bytes(), qint64(1000));

    server.setGreeting(QByteArray(10, 'b'));
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.bytesReceived(), qint64(10));
    session.abort();
    QTRY_COMPARE(session.state(), Session::State::Closed);
    QCOMPARE(status.received().bytes(), qint64(10));
}

QTEST_MAIN(tst_TrafficStatus)
#include "tst_trafficstatus.moc"
