// TranscriptOpener: File > Open reads a JSONL transcript on a worker thread
// with progress and Cancel in the status bar; the window's event loop runs
// meanwhile; a damaged file names its line; a cancelled one opens nothing.
#include <QCryptographicHash>
#include <QLabel>
#include <QMainWindow>
#include <QProgressBar>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include "appsettings.h"
#include "fakedialogs.h"
#include "mainwindow.h"
#include "transcript.h"
#include "transcriptio.h"
#include "transcriptopener.h"
#include "transcriptwindow.h"

class TranscriptOpenerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void readsALargeFileInTheBackground();
    void cancelButtonOpensNothing();
    void cancelAtOnceOpensNothing();
    void damagedLineIsNamed();
    void oneFileAtATime();
    void mainWindowOpensInTheBackground();

private:
    static QByteArray streamHash(const Transcript &transcript, Transcript::Direction direction);

    QTemporaryDir m_dir;
    QString m_large;        // about 35 MB of JSONL
    QByteArray m_largeHash; // sha256 of its received stream
    qint64 m_largeReceived = 0;
};

void TranscriptOpenerTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qRegisterMetaType<std::shared_ptr<Transcript>>();
    qRegisterMetaType<TranscriptWindow *>();
    QVERIFY(m_dir.isValid());

    // 320 chunks of 64 KiB of random bytes, some sent: tens of MB on disk.
    Transcript transcript;
    transcript.setPeer(QStringLiteral("bulk.example"), 9000);
    transcript.start();
    transcript.appendEvent(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:9000"));
    QRandomGenerator random(42);
    QByteArray chunk(Transcript::maxChunkSize, Qt::Uninitialized);
    for (int i = 0; i < 320; ++i) {
        random.fillRange(reinterpret_cast<quint32 *>(chunk.data()), chunk.size() / 4);
        transcript.appendData(i % 50 == 0 ? Transcript::Direction::Sent : Transcript::Direction::Received, chunk);
    }
    m_largeReceived = transcript.totalBytes(Transcript::Direction::Received);
    m_largeHash = streamHash(transcript, Transcript::Direction::Received);
    m_large = m_dir.filePath(QStringLiteral("large.jsonl"));
    QString error;
    QVERIFY2(TranscriptIO::save(transcript, TranscriptIO::Format::Jsonl, m_large, &error), qPrintable(error));
    QVERIFY(QFileInfo(m_large).size() > 25 * 1000 * 1000);
}

void TranscriptOpenerTest::cleanup()
{
    const QWidgetList all = QApplication::topLevelWidgets();
    for (QWidget *w : all) {
        if (qobject_cast<TranscriptWindow *>(w))
            delete w;
    }
}

QByteArray TranscriptOpenerTest::streamHash(const Transcript &transcript, Transcript::Direction direction)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const qint64 total = transcript.totalBytes(direction);
    for (qint64 offset = 0; offset < total;) {
        const QByteArray bytes = transcript.read(direction, offset, 1024 * 1024);
        if (bytes.isEmpty())
            break;
        hash.addData(bytes);
        offset += bytes.size();
    }
    return hash.result();
}

void TranscriptOpenerTest::readsALargeFileInTheBackground()
{
    QMainWindow window;
    window.setStatusBar(new QStatusBar(&window));
    window.show();
    TranscriptOpener opener(window.statusBar());
    QSignalSpy opened(&opener, &TranscriptOpener::opened);
    QSignalSpy progress(&opener, &TranscriptOpener::progress);
    QSignalSpy failed(&opener, &TranscriptOpener::failed);
    QVERIFY(!opener.progressField()->isVisible());

    // The event loop keeps running while the file is read: a zero timer
    // fires many times before the result arrives.
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(0);
    connect(&ticker, &QTimer::timeout, [&ticks] { ++ticks; });

    QVERIFY(opener.open(m_large));
    ticker.start();
    QVERIFY(opener.isBusy());
    QVERIFY(opener.progressField()->isVisible());
    QVERIFY(opener.progressField()->findChild<QLabel *>()->text().contains(QStringLiteral("large.jsonl")));
    QTRY_VERIFY_WITH_TIMEOUT(!opened.isEmpty() || !failed.isEmpty(), 120000);
    ticker.stop();
    QCOMPARE(failed.count(), 0);
    QVERIFY(ticks > 10);
    QVERIFY2(progress.count() >= 2, qPrintable(QString::number(progress.count())));
    qint64 last = -1;
    for (const QList<QVariant> &step : progress) {
        const qint64 done = step.at(0).toLongLong();
        QVERIFY(done >= last); // never backwards
        QCOMPARE(step.at(1).toLongLong(), QFileInfo(m_large).size());
        last = done;
    }
    QVERIFY(!opener.isBusy());
    QVERIFY(!opener.progressField()->isVisible());

    const auto transcript = opened.first().first().value<std::shared_ptr<Transcript>>();
    QCOMPARE(opened.first().at(1).toString(), m_large);
    QVERIFY(transcript);
    QCOMPARE(transcript->thread(), QThread::currentThread());
    QVERIFY(!transcript->isModified());
    QCOMPARE(transcript->host(), QStringLiteral("bulk.example"));
    QCOMPARE(transcript->entryCount(), qint64(321));
    QCOMPARE(transcript->totalBytes(Transcript::Direction::Received), m_largeReceived);
    QCOMPARE(streamHash(*transcript, Transcript::Direction::Received), m_largeHash);
}

void TranscriptOpenerTest::cancelButtonOpensNothing()
{
    QMainWindow window;
    window.setStatusBar(new QStatusBar(&window));
    window.show();
    TranscriptOpener opener(window.statusBar());
    QSignalSpy opened(&opener, &TranscriptOpener::opened);
    QSignalSpy cancelled(&opener, &TranscriptOpener::cancelled);
    QSignalSpy progress(&opener, &TranscriptOpener::progress);
    QVERIFY(opener.open(m_large));
    QTRY_VERIFY(!progress.isEmpty() || !opener.isBusy());
    QVERIFY2(opener.isBusy(), "read the whole file before its first progress report");
    QVERIFY(opener.cancelButton()->isVisible());
    QVERIFY(!opener.cancelButton()->accessibleName().isEmpty());
    QTest::mouseClick(opener.cancelButton(), Qt::LeftButton);
    QTRY_COMPARE(cancelled.count(), 1);
    QCOMPARE(cancelled.first().first().toString(), m_large);
    QCOMPARE(opened.count(), 0);
    QVERIFY(!opener.isBusy());
    QVERIFY(!opener.progressField()->isVisible());

    // And it can read again afterwards.
    QVERIFY(opener.open(m_large));
    QTRY_VERIFY_WITH_TIMEOUT(!opener.isBusy(), 120000);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(cancelled.count(), 1);
}

void TranscriptOpenerTest::cancelAtOnceOpensNothing()
{
    QStatusBar bar;
    TranscriptOpener opener(&bar);
    QSignalSpy opened(&opener, &TranscriptOpener::opened);
    QSignalSpy cancelled(&opener, &TranscriptOpener::cancelled);
    QSignalSpy failed(&opener, &TranscriptOpener::failed);
    QVERIFY(opener.open(m_large));
    opener.cancel();
    QTRY_COMPARE(cancelled.count(), 1);
    QCOMPARE(opened.count() + failed.count(), 0);
}

void TranscriptOpenerTest::damagedLineIsNamed()
{
    // The large file with line 300 (of about 320) cut short.
    QFile source(m_large);
    QVERIFY(source.open(QIODevice::ReadOnly));
    const QString damaged = m_dir.filePath(QStringLiteral("damaged.jsonl"));
    QFile target(damaged);
    QVERIFY(target.open(QIODevice::WriteOnly));
    for (int line = 1; !source.atEnd(); ++line) {
        QByteArray bytes = source.readLine();
        if (line == 300)
            bytes = bytes.left(bytes.size() / 2) + '\n';
        target.write(bytes);
    }
    target.close();

    QStatusBar bar;
    TranscriptOpener opener(&bar);
    QSignalSpy opened(&opener, &TranscriptOpener::opened);
    QSignalSpy failed(&opener, &TranscriptOpener::failed);
    QVERIFY(opener.open(damaged));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 120000);
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("line 300")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("damaged.jsonl")), qPrintable(message));
    QCOMPARE(opened.count(), 0);
    QVERIFY(!opener.isBusy());

    // A file that does not exist says so.
    QVERIFY(opener.open(m_dir.filePath(QStringLiteral("missing.jsonl"))));
    QTRY_COMPARE(failed.count(), 2);
    QVERIFY(failed.last().at(1).toString().contains(QStringLiteral("missing.jsonl")));
}

void TranscriptOpenerTest::oneFileAtATime()
{
    QStatusBar bar;
    TranscriptOpener opener(&bar);
    QSignalSpy opened(&opener, &TranscriptOpener::opened);
    QVERIFY(opener.open(m_large));
    QVERIFY(!opener.open(QStringLiteral(SOCKETEER_TEST_DATA "/golden-transcript.jsonl")));
    QCOMPARE(opener.path(), m_large);
    QTRY_VERIFY_WITH_TIMEOUT(!opener.isBusy(), 120000);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.first().at(1).toString(), m_large);
}

void TranscriptOpenerTest::mainWindowOpensInTheBackground()
{
    AppSettings settings(m_dir.filePath(QStringLiteral("settings.ini")));
    FakeDialogs dialogs;
    MainWindow main(&settings, &dialogs);
    main.show();
    QSignalSpy windows(&main, &MainWindow::transcriptWindowOpened);
    dialogs.openChoices.enqueue(m_large);
    QVERIFY(main.openTranscript());
    QVERIFY(main.transcriptOpener()->progressField()->isVisible());
    // A second File > Open while the first reads: refused, with the reason.
    QVERIFY(!main.openTranscript());
    QCOMPARE(dialogs.openDialogs, 1);
    QVERIFY2(main.statusBar()->currentMessage().contains(QStringLiteral("Still opening")),
             qPrintable(main.statusBar()->currentMessage()));
    QTRY_VERIFY_WITH_TIMEOUT(!windows.isEmpty(), 120000);
    auto *window = windows.first().first().value<TranscriptWindow *>();
    QVERIFY(window->isVisible());
    QCOMPARE(window->filePath(), m_large);
    QCOMPARE(window->transcript()->totalBytes(Transcript::Direction::Received), m_largeReceived);
    QCOMPARE(dialogs.errors, QStringList());
    QCOMPARE(settings.lastDirectory(), m_dir.path());

    // Cancel from the main window: no window, a status message.
    dialogs.openChoices.enqueue(m_large);
    QVERIFY(main.openTranscript());
    main.transcriptOpener()->cancel();
    QTRY_VERIFY(!main.transcriptOpener()->isBusy());
    QCOMPARE(windows.count(), 1);
    QVERIFY(main.statusBar()->currentMessage().contains(QStringLiteral("cancelled")));
}

QTEST_MAIN(TranscriptOpenerTest)
#include "tst_transcriptopener.moc"
