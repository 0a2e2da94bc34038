#include <limits>

#include <QSignalSpy>
#include <QTest>

#include "transcript.h"

using Direction = Transcript::Direction;

// Bytes whose every position is distinguishable: 0, 1, ..., 255, 0, 1, ...
static QByteArray pattern(qint64 size, int seed = 0)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i + seed) & 0xFF);
    return bytes;
}

class tst_Transcript : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyAppendAddsNothing();
    void chunkSplitting_data();
    void chunkSplitting();
    void offsetsPerDirection();
    void events();
    void read_data();
    void read();
    void outOfRangeEntries();
    void appendSignals();
    void modifiedOnlyEmitsOnChange();
    void clockAndWallTime();
    void peerAndStartTime();
};

void tst_Transcript::emptyAppendAddsNothing()
{
    Transcript transcript;
    QSignalSpy appended(&transcript, &Transcript::entriesAppended);
    QSignalSpy modified(&transcript, &Transcript::modifiedChanged);
    transcript.appendData(Direction::Received, QByteArray());
    transcript.appendDataAt(Direction::Sent, QByteArrayView(), 5, 5);
    QVERIFY(transcript.isEmpty());
    QVERIFY(!transcript.hasData());
    QVERIFY(!transcript.isModified());
    QCOMPARE(appended.count(), 0);
    QCOMPARE(modified.count(), 0);
}

void tst_Transcript::chunkSplitting_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<QList<qint64>>("chunkSizes");
    constexpr qint64 max = Transcript::maxChunkSize;
    QTest::newRow("1") << qint64(1) << QList<qint64>{1};
    QTest::newRow("max-1") << max - 1 << QList<qint64>{max - 1};
    QTest::newRow("max") << max << QList<qint64>{max};
    QTest::newRow("max+1") << max + 1 << QList<qint64>{max, 1};
    QTest::newRow("3max+5") << 3 * max + 5 << QList<qint64>{max, max, max, 5};
}

void tst_Transcript::chunkSplitting()
{
    QFETCH(qint64, size);
    QFETCH(QList<qint64>, chunkSizes);
    Transcript transcript;
    QSignalSpy appended(&transcript, &Transcript::entriesAppended);
    const QByteArray bytes = pattern(size);
    transcript.appendDataAt(Direction::Received, bytes, 42, 1000042);

    QCOMPARE(transcript.entryCount(), chunkSizes.size());
    QCOMPARE(appended.count(), 1);
    QCOMPARE(appended.at(0).at(0).toLongLong(), 0);
    QCOMPARE(appended.at(0).at(1).toLongLong(), chunkSizes.size());
    qint64 offset = 0;
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        QCOMPARE(entry.kind, Transcript::Kind::Data);
        QCOMPARE(entry.direction, Direction::Received);
        QCOMPARE(entry.tMs, 42);
        QCOMPARE(entry.wallMs, 1000042);
        QCOMPARE(entry.offset, offset);
        QCOMPARE(entry.size, chunkSizes.at(i));
        QVERIFY(entry.size <= Transcript::maxChunkSize);
        QCOMPARE(transcript.data(i), bytes.mid(offset, entry.size));
        offset += entry.size;
    }
    QCOMPARE(transcript.totalBytes(Direction::Received), size);
    QCOMPARE(transcript.totalBytes(Direction::Sent), 0);
}

void tst_Transcript::offsetsPerDirection()
{
    Transcript transcript;
    transcript.appendDataAt(Direction::Sent, "abc", 0, 0);
    transcript.appendDataAt(Direction::Received, "12345", 1, 1);
    transcript.appendEventAt(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:80"), 2, 2);
    transcript.appendDataAt(Direction::Sent, "de", 3, 3);
    transcript.appendDataAt(Direction::Received, "6", 4, 4);

    const struct {
        Direction direction;
        qint64 offset;
        QByteArray bytes;
    } expected[] = {
        {Direction::Sent, 0, "abc"},
        {Direction::Received, 0, "12345"},
        {Direction::Sent, 3, "de"},
        {Direction::Received, 5, "6"},
    };
    const qint64 dataIndexes[] = {0, 1, 3, 4};
    for (int i = 0; i < 4; ++i) {
        const Transcript::Entry entry = transcript.entry(dataIndexes[i]);
        QCOMPARE(entry.direction, expected[i].direction);
        QCOMPARE(entry.offset, expected[i].offset);
        QCOMPARE(entry.size, expected[i].bytes.size());
        QCOMPARE(transcript.data(dataIndexes[i]), expected[i].bytes);
    }
    QCOMPARE(transcript.totalBytes(Direction::Sent), 5);
    QCOMPARE(transcript.totalBytes(Direction::Received), 6);
    QCOMPARE(transcript.read(Direction::Sent, 0, 100), QByteArray("abcde"));
    QCOMPARE(transcript.read(Direction::Received, 0, 100), QByteArray("123456"));
}

void tst_Transcript::events()
{
    Transcript transcript;
    transcript.appendEventAt(TranscriptEvent::error(), QStringLiteral("Connection refused"), 7, 1007);
    transcript.appendEventAt(TranscriptEvent::closedByPeer(), QString(), 8, 1008);
    QCOMPARE(transcript.entryCount(), 2);
    QVERIFY(!transcript.isEmpty());
    QVERIFY(!transcript.hasData());

    const Transcript::Entry first = transcript.entry(0);
    QCOMPARE(first.kind, Transcript::Kind::Event);
    QCOMPARE(first.event, QStringLiteral("error"));
    QCOMPARE(first.detail, QStringLiteral("Connection refused"));
    QCOMPARE(first.tMs, 7);
    QCOMPARE(first.wallMs, 1007);
    QCOMPARE(first.size, 0);
    QCOMPARE(transcript.data(0), QByteArray());
    QCOMPARE(transcript.entry(1).event, QStringLiteral("closed_by_peer"));
    QVERIFY(transcript.entry(1).detail.isEmpty());

    transcript.appendDataAt(Direction::Sent, "x", 9, 1009);
    QVERIFY(transcript.hasData());
}

void tst_Transcript::read_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("maxLength");
    QTest::addColumn<qint64>("expectedSize");
    constexpr qint64 max = Transcript::maxChunkSize;
    constexpr qint64 total = 2 * max + 100; // three chunks from one append, a fourth from another
    QTest::newRow("start of the first chunk") << qint64(0) << qint64(10) << qint64(10);
    QTest::newRow("across the first boundary") << max - 3 << qint64(10) << qint64(10);
    QTest::newRow("across two boundaries") << max - 1 << max + 2 << max + 2;
    QTest::newRow("across appends") << total - 60 << qint64(100) << qint64(100);
    QTest::newRow("everything") << qint64(0) << total + 50 << total + 50;
    QTest::newRow("huge length") << qint64(10) << std::numeric_limits<qint64>::max() << total + 40;
    QTest::newRow("clipped at the end") << total + 40 << qint64(100) << qint64(10);
    QTest::newRow("at the end") << total + 50 << qint64(10) << qint64(0);
    QTest::newRow("past the end") << total + 51 << qint64(10) << qint64(0);
    QTest::newRow("zero length") << qint64(5) << qint64(0) << qint64(0);
    QTest::newRow("negative length") << qint64(5) << qint64(-1) << qint64(0);
    QTest::newRow("negative offset") << qint64(-1) << qint64(10) << qint64(0);
}

void tst_Transcript::read()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, maxLength);
    QFETCH(qint64, expectedSize);
    const QByteArray first = pattern(2 * Transcript::maxChunkSize + 100);
    const QByteArray second = pattern(50, 77);
    const QByteArray all = first + second;
    Transcript transcript;
    transcript.appendDataAt(Direction::Received, first, 0, 0);
    transcript.appendDataAt(Direction::Sent, "unrelated", 1, 1);
    transcript.appendDataAt(Direction::Received, second, 2, 2);
    QCOMPARE(transcript.entryCount(), 5);

    const QByteArray bytes = transcript.read(Direction::Received, offset, maxLength);
    QCOMPARE(bytes.size(), expectedSize);
    if (expectedSize > 0)
        QCOMPARE(bytes, all.mid(offset, expectedSize));
}

void tst_Transcript::outOfRangeEntries()
{
    Transcript transcript;
    transcript.appendDataAt(Direction::Sent, "abc", 0, 0);
    QCOMPARE(transcript.entry(-1).size, 0);
    QCOMPARE(transcript.entry(1).size, 0);
    QCOMPARE(transcript.data(-1), QByteArray());
    QCOMPARE(transcript.data(1), QByteArray());
}

void tst_Transcript::appendSignals()
{
    Transcript transcript;
    QSignalSpy appended(&transcript, &Transcript::entriesAppended);
    QSignalSpy modified(&transcript, &Transcript::modifiedChanged);
    qint64 countSeenBySlot = -1;
    bool modifiedSeenBySlot = false;
    connect(&transcript, &Transcript::entriesAppended, this, [&] {
        countSeenBySlot = transcript.entryCount();
        modifiedSeenBySlot = transcript.isModified();
    });

    transcript.appendEventAt(TranscriptEvent::connecting(), QStringLiteral("example.org:80"), 0, 0);
    QCOMPARE(appended.count(), 1);
    QCOMPARE(appended.at(0), (QVariantList{qint64(0), qint64(1)}));
    QCOMPARE(countSeenBySlot, 1);
    QVERIFY(modifiedSeenBySlot);
    QCOMPARE(modified.count(), 1);
    QCOMPARE(modified.at(0).at(0).toBool(), true);

    transcript.appendDataAt(Direction::Received, pattern(Transcript::maxChunkSize * 2), 1, 1);
    QCOMPARE(appended.count(), 2);
    QCOMPARE(appended.at(1), (QVariantList{qint64(1), qint64(2)}));
    QCOMPARE(countSeenBySlot, 3);
    QCOMPARE(modified.count(), 1); // already modified

    transcript.appendData(Direction::Sent, "x");
    transcript.appendEvent(TranscriptEvent::disconnected());
    QCOMPARE(appended.count(), 4);
    QCOMPARE(appended.at(2), (QVariantList{qint64(3), qint64(1)}));
    QCOMPARE(appended.at(3), (QVariantList{qint64(4), qint64(1)}));
    QCOMPARE(modified.count(), 1);
}

void tst_Transcript::modifiedOnlyEmitsOnChange()
{
    Transcript transcript;
    QSignalSpy modified(&transcript, &Transcript::modifiedChanged);
    transcript.setModified(false);
    QCOMPARE(modified.count(), 0);

    transcript.appendDataAt(Direction::Sent, "a", 0, 0);
    transcript.setModified(false);
    QVERIFY(!transcript.isModified());
    QCOMPARE(modified.count(), 2);
    QCOMPARE(modified.at(1).at(0).toBool(), false);

    transcript.appendEventAt(TranscriptEvent::idleTimeout(), QString(), 1, 1);
    QVERIFY(transcript.isModified());
    QCOMPARE(modified.count(), 3);
    transcript.setModified(true);
    QCOMPARE(modified.count(), 3);
}

void tst_Transcript::clockAndWallTime()
{
    Transcript transcript;
    QVERIFY(!transcript.startTime().isValid());
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    transcript.start();
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    const QDateTime start = transcript.startTime();
    QVERIFY(start.isValid());
    QCOMPARE(start.timeSpec(), Qt::UTC);
    QVERIFY(start.toMSecsSinceEpoch() >= before && start.toMSecsSinceEpoch() <= after);

    transcript.appendEvent(TranscriptEvent::connecting(), QStringLiteral("example.org:80"));
    transcript.appendData(Direction::Sent, "hello");
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        QVERIFY(entry.tMs >= 0);
        QCOMPARE(entry.wallMs, start.toMSecsSinceEpoch() + entry.tMs);
    }
    QVERIFY(transcript.entry(1).tMs >= transcript.entry(0).tMs);
}

void tst_Transcript::peerAndStartTime()
{
    Transcript transcript;
    transcript.setPeer(QStringLiteral("::1"), 8080);
    QCOMPARE(transcript.host(), QStringLiteral("::1"));
    QCOMPARE(transcript.port(), quint16(8080));

    const QDateTime start = QDateTime::fromString(QStringLiteral("2026-11-25T18:04:32.123+01:00"), Qt::ISODateWithMs);
    transcript.setStartTime(start);
    QCOMPARE(transcript.startTime(), start);
    QCOMPARE(transcript.startTime().timeSpec(), Qt::UTC);
    QVERIFY(!transcript.isModified());
}

QTEST_GUILESS_MAIN(tst_Transcript)
#include "tst_transcript.moc"
