// RateMeter: current rate over a sliding window and average since start,
// fed with (time, bytes) samples; no clock, no waiting.
#include <QTest>

#include "ratemeter.h"

class tst_RateMeter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nothingBeforeStart();
    void steadyStream();
    void currentRateForgetsOldBursts();
    void partialWindowAtStart();
    void windowBoundaryIsInterpolated();
    void stopFreezesTheAverage();
    void restartForgetsThePast();
    void countsAndTimesNeverGoBack();
    void samplesStayBounded();
};

void tst_RateMeter::nothingBeforeStart()
{
    RateMeter meter;
    QVERIFY(!meter.hasStarted());
    meter.sample(1000, 5000); // ignored
    QCOMPARE(meter.bytes(), qint64(0));
    QCOMPARE(meter.currentRate(), 0.0);
    QCOMPARE(meter.averageRate(), 0.0);
    meter.start(1000, 0);
    QCOMPARE(meter.currentRate(), 0.0); // no time has passed
    QCOMPARE(meter.averageRate(), 0.0);
}

void tst_RateMeter::steadyStream()
{
    RateMeter meter(2000);
    meter.start(10'000, 0);
    for (qint64 t = 250; t <= 10'000; t += 250)
        meter.sample(10'000 + t, t * 1000); // 1,000,000 bytes/s
    QCOMPARE(meter.bytes(), qint64(10'000'000));
    QCOMPARE(meter.currentRate(), 1'000'000.0);
    QCOMPARE(meter.averageRate(), 1'000'000.0);
}

void tst_RateMeter::currentRateForgetsOldBursts()
{
    RateMeter meter(2000);
    meter.start(0, 0);
    meter.sample(1000, 8'000'000); // a burst in the first second
    QCOMPARE(meter.currentRate(), 8'000'000.0);
    // Then idle: the current rate falls to 0 once the burst is out of the
    // window, while the average keeps counting it.
    meter.sample(2000, 8'000'000);
    QCOMPARE(meter.currentRate(), 4'000'000.0); // window [0, 2000]
    meter.sample(3000, 8'000'000);
    meter.sample(4000, 8'000'000);
    QCOMPARE(meter.currentRate(), 0.0);
    QCOMPARE(meter.averageRate(), 2'000'000.0);
    // Traffic again: 1,000 bytes in the last 500 ms of a 2 s window.
    meter.sample(4500, 8'001'000);
    QCOMPARE(meter.currentRate(), 500.0);
}

void tst_RateMeter::partialWindowAtStart()
{
    // Before a whole window has passed, the rate is over the time since start.
    RateMeter meter(2000);
    meter.start(500, 100);
    meter.sample(750, 100 + 2500);
    QCOMPARE(meter.bytes(), qint64(2500));
    QCOMPARE(meter.currentRate(), 10'000.0);
    QCOMPARE(meter.averageRate(), 10'000.0);
}

void tst_RateMeter::windowBoundaryIsInterpolated()
{
    // Samples every 1.5 s with a 2 s window: the window starts inside an
    // interval, whose bytes count in proportion.
    RateMeter meter(2000);
    meter.start(0, 0);
    meter.sample(1500, 3000); // 2000 bytes/s
    meter.sample(3000, 3000); // idle
    // Window [1000, 3000]: 500 ms of 2000 bytes/s = 1000 bytes, over 2 s.
    QCOMPARE(meter.currentRate(), 500.0);
}

void tst_RateMeter::stopFreezesTheAverage()
{
    RateMeter meter;
    meter.start(0, 0);
    meter.sample(1000, 4096);
    meter.stop(2000, 8192);
    QVERIFY(!meter.isRunning());
    QVERIFY(meter.hasStarted());
    QCOMPARE(meter.bytes(), qint64(8192));
    QCOMPARE(meter.averageRate(), 4096.0);
    QCOMPARE(meter.currentRate(), 0.0);
    meter.sample(10'000, 1'000'000); // after stop: ignored
    QCOMPARE(meter.averageRate(), 4096.0);
    QCOMPARE(meter.bytes(), qint64(8192));
}

void tst_RateMeter::restartForgetsThePast()
{
    RateMeter meter;
    meter.start(0, 0);
    meter.stop(1000, 1'000'000);
    meter.start(5000, 0); // a new connection
    meter.sample(6000, 10);
    QCOMPARE(meter.bytes(), qint64(10));
    QCOMPARE(meter.averageRate(), 10.0);
    QCOMPARE(meter.currentRate(), 10.0);
}

void tst_RateMeter::countsAndTimesNeverGoBack()
{
    RateMeter meter;
    meter.start(1000, 0);
    meter.sample(2000, 1000);
    meter.sample(1500, 500); // both go back: taken as time 2000, 1000 bytes
    QCOMPARE(meter.bytes(), qint64(1000));
    QCOMPARE(meter.averageRate(), 1000.0);
    meter.sample(2000, 2000); // same time, more bytes: replaces the sample
    QCOMPARE(meter.averageRate(), 2000.0);
    QCOMPARE(meter.currentRate(), 2000.0);
}

void tst_RateMeter::samplesStayBounded()
{
    // A long session sampled often keeps only the window's samples: the
    // rate stays right after a million samples (and memory stays small).
    RateMeter meter(1000);
    meter.start(0, 0);
    for (qint64 t = 1; t <= 1'000'000; ++t)
        meter.sample(t, t * 3); // 3000 bytes/s
    QCOMPARE(meter.currentRate(), 3000.0);
    QCOMPARE(meter.averageRate(), 3000.0);
    QVERIFY2(meter.sampleCount() <= 1002, qPrintable(QString::number(meter.sampleCount())));
}

QTEST_GUILESS_MAIN(tst_RateMeter)
#include "tst_ratemeter.moc"
