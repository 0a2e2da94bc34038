#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "eventloopprobe.h"

class TestEventLoopProbe : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void measuresABlockedLoop()
    {
        EventLoopProbe probe;
        probe.start();
        QTRY_VERIFY(probe.gapCount() >= 5);
        // Keep the loop busy: the probe must see one gap at least this long.
        QElapsedTimer busy;
        busy.start();
        while (busy.elapsed() < 40) {
        }
        const qint64 before = probe.gapCount();
        QTRY_VERIFY(probe.gapCount() > before);
        QVERIFY(probe.maxMs() >= 40.0);
        QVERIFY(probe.quantileMs(0.5) <= probe.maxMs());
        QVERIFY(probe.quantileMs(0.99) <= probe.quantileMs(1.0));
    }

    void writesJsonWhenDestroyed()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("probe.json"));
        qputenv(EventLoopProbe::environmentVariable, path.toLocal8Bit());
        {
            std::unique_ptr<EventLoopProbe> probe(EventLoopProbe::fromEnvironment());
            QVERIFY(probe);
            probe->start();
            QTRY_VERIFY(probe->gapCount() >= 3);
        }
        qunsetenv(EventLoopProbe::environmentVariable);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject figures = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(figures.value(QStringLiteral("gaps")).toInteger() >= 3);
        for (const char *key : {"p50_ms", "p99_ms", "max_ms"})
            QVERIFY2(figures.value(QLatin1String(key)).toDouble() > 0, key);
    }

    void offWithoutTheEnvironment()
    {
        qunsetenv(EventLoopProbe::environmentVariable);
        QVERIFY(!EventLoopProbe::fromEnvironment());
    }
};

QTEST_GUILESS_MAIN(TestEventLoopProbe)
#include "tst_eventloopprobe.moc"
