// TranscriptView: batching, markers and colours, timestamps, following the
// tail, and hostile bytes shown escaped.
#include <QAccessible>
#include <QAction>
#include <QBuffer>
#include <QLabel>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTextBlock>
#include <QTimer>
#include <QtTest>

#include "transcript.h"
#include "transcriptio.h"
#include "transcriptview.h"

using Direction = Transcript::Direction;

class TranscriptViewTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rendersNothingUntilTheTimerFires();
    void batchesManyAppendsIntoFewRenders();
    void rendersOncePerBurstNotPerChunk();
    void backlogDrainsDuringAFlood();
    void marksAndColoursEachDirection();
    void linesMatchTheTextExport();
    void timestampsToggleRerenders();
    void followsTheTailAtTheBottom();
    void staysStillWhenScrolledUp();
    void hostileBytesAppearEscaped();
    void hostileEventTextIsEscaped();
    void largeBacklogIsRenderedInSeveralPasses();
    void backlogIsShownWhileBehind();
    void newTranscriptReplacesTheOld();
    void wrapToggle();
    void actionsFollowTheSettings();
    void accessibleAsTranscript();

private:
    static std::shared_ptr<Transcript> started()
    {
        auto transcript = std::make_shared<Transcript>();
        transcript->setPeer(QStringLiteral("127.0.0.1"), 7);
        transcript->start();
        return transcript;
    }
    static QStringList viewLines(const TranscriptView &view)
    {
        return view.toPlainText().split(QLatin1Char('\n'));
    }
};

void TranscriptViewTest::rendersNothingUntilTheTimerFires()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Received, "hello\n");
    // Appending only records the range: the widget is untouched until the
    // coalescing timer fires.
    QCOMPARE(view.renderCount(), 0);
    QVERIFY(view.toPlainText().isEmpty());
    QTRY_COMPARE(view.renderCount(), 1);
    QCOMPARE(view.toPlainText(), QStringLiteral("< hello\\n"));
}

void TranscriptViewTest::batchesManyAppendsIntoFewRenders()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    constexpr int chunks = 5000;
    for (int i = 0; i < chunks; ++i)
        transcript->appendData(i % 2 ? Direction::Sent : Direction::Received, QByteArray(QByteArray::number(i) + '\n'));
    QTRY_VERIFY(!view.hasPending());
    QVERIFY2(view.renderCount() <= 2, qPrintable(QString::number(view.renderCount())));
    QCOMPARE(view.document()->blockCount(), chunks);
    QCOMPARE(view.document()->findBlockByNumber(chunks - 1).text(), QStringLiteral("> 4999\\n"));
}

void TranscriptViewTest::rendersOncePerBurstNotPerChunk()
{
    // Bursts of chunks, each appended within one turn of the event loop:
    // one render each, whatever the machine's speed.
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    constexpr int bursts = 3;
    constexpr int chunksPerBurst = 500;
    for (int burst = 0; burst < bursts; ++burst) {
        const int before = view.renderCount();
        for (int i = 0; i < chunksPerBurst; ++i)
            transcript->appendData(Direction::Received, "x\n");
        QCOMPARE(view.renderCount(), before); // nothing drawn while appending
        QTRY_VERIFY(!view.hasPending());
        const int renders = view.renderCount() - before;
        QVERIFY2(renders >= 1 && renders <= 2, qPrintable(QString::number(renders)));
    }
    QCOMPARE(view.document()->blockCount(), bursts * chunksPerBurst);
}

void TranscriptViewTest::backlogDrainsDuringAFlood()
{
    // A backlog too big for one pass continues on the next turn of the
    // event loop, even while new chunks keep arriving every turn (which
    // would keep restarting a coalescing timer), and never renders more
    // than once per turn. A zero-interval timer counts the turns.
    TranscriptView view;
    auto transcript = started();
    const QByteArray binary(Transcript::maxChunkSize, '\x01'); // escapes to 4 characters a byte
    constexpr int backlog = 6;
    for (int i = 0; i < backlog; ++i)
        transcript->appendData(Direction::Received, binary);
    view.setTranscript(transcript);

    int turns = 0;
    QTimer flood;
    flood.setInterval(0);
    connect(&flood, &QTimer::timeout, &view, [&] {
        ++turns;
        transcript->appendData(Direction::Received, "x");
    });
    // The first pass comes from the coalescing timers; count from there.
    QTRY_VERIFY(view.renderCount() >= 1);
    QVERIFY(view.renderedEntries() < backlog);
    const int rendersBefore = view.renderCount();
    flood.start();
    QTRY_VERIFY(view.renderedEntries() >= backlog);
    flood.stop();
    const int passes = view.renderCount() - rendersBefore;
    QVERIFY(passes >= 1);
    // One pass per turn: as many turns as passes, give or take the timers'
    // order within a turn.
    QVERIFY2(turns <= passes + 2, qPrintable(QStringLiteral("%1 turns for %2 passes").arg(turns).arg(passes)));
    QVERIFY2(passes <= turns + 1, qPrintable(QStringLiteral("%1 passes in %2 turns").arg(passes).arg(turns)));
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(view.renderedEntries(), transcript->entryCount());
}

void TranscriptViewTest::marksAndColoursEachDirection()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendEvent(TranscriptEvent::connected(), QStringLiteral("127.0.0.1:7"));
    transcript->appendData(Direction::Sent, "GET / HTTP/1.0\r\n\r\n");
    transcript->appendData(Direction::Received, "HTTP/1.0 200 OK\r\n");
    transcript->appendEvent(TranscriptEvent::error(), QStringLiteral("Connection reset by peer 127.0.0.1:7"));
    view.flush();

    const QStringList expected = {
        QStringLiteral("* connected to 127.0.0.1:7"),
        QStringLiteral("> GET / HTTP/1.0\\r\\n"),
        QStringLiteral("> \\r\\n"),
        QStringLiteral("< HTTP/1.0 200 OK\\r\\n"),
        QStringLiteral("* error: Connection reset by peer 127.0.0.1:7"),
    };
    QCOMPARE(viewLines(view), expected);

    // Monochrome: the markers alone tell the directions apart (checked
    // above). Colour: each kind has its own foreground.
    auto colourOf = [&view](int block) {
        const QTextBlock b = view.document()->findBlockByNumber(block);
        return b.begin().fragment().charFormat().foreground().color();
    };
    const QColor event = colourOf(0), sent = colourOf(1), received = colourOf(3);
    QCOMPARE(colourOf(2), sent);
    QVERIFY(sent != received);
    QVERIFY(sent != event);
    QVERIFY(received != event);
    // Failures stand out from the other events.
    const QColor error = colourOf(4);
    QVERIFY(error != event && error != sent && error != received);
    QVERIFY(QFontInfo(view.font()).fixedPitch());
}

void TranscriptViewTest::linesMatchTheTextExport()
{
    auto transcript = started();
    transcript->appendEvent(TranscriptEvent::connecting(), QStringLiteral("127.0.0.1:7"));
    transcript->appendData(Direction::Sent, "ping\n");
    transcript->appendData(Direction::Received, QByteArray("caf\xc3\xa9 \x1b[0m\x00\xff\n", 13));
    transcript->appendEvent(TranscriptEvent::error(), QStringLiteral("two\nlines"));
    transcript->appendEvent(TranscriptEvent::closedByPeer());

    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    QVERIFY(TranscriptIO::write(*transcript, TranscriptIO::Format::Text, &buffer, &error));
    QStringList exported = QString::fromUtf8(buffer.data()).split(QLatin1Char('\n'));
    QVERIFY(exported.first().startsWith(QLatin1Char('#'))); // the header line
    exported.removeFirst();
    QCOMPARE(exported.takeLast(), QString()); // after the final newline

    TranscriptView view;
    view.setShowTimestamps(true);
    view.setTranscript(transcript);
    view.flush();
    QCOMPARE(viewLines(view), exported);
}

void TranscriptViewTest::timestampsToggleRerenders()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Received, "one\ntwo\n");
    view.flush();
    QCOMPARE(viewLines(view), QStringList({QStringLiteral("< one\\n"), QStringLiteral("< two\\n")}));

    view.setShowTimestamps(true);
    view.flush();
    const QRegularExpression stamped(QStringLiteral(
        R"(^\[\+\d+\.\d{3}s \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] < (one|two)\\n$)"));
    const QStringList lines = viewLines(view);
    QCOMPARE(lines.size(), 2);
    for (const QString &line : lines)
        QVERIFY2(stamped.match(line).hasMatch(), qPrintable(line));

    view.setShowTimestamps(false);
    view.flush();
    QCOMPARE(viewLines(view), QStringList({QStringLiteral("< one\\n"), QStringLiteral("< two\\n")}));
}

void TranscriptViewTest::followsTheTailAtTheBottom()
{
    TranscriptView view;
    view.resize(400, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto transcript = started();
    view.setTranscript(transcript);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 100; ++i)
            transcript->appendData(Direction::Received, "line\n");
        QTRY_VERIFY(!view.hasPending());
        QScrollBar *bar = view.verticalScrollBar();
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum());
    }
}

void TranscriptViewTest::staysStillWhenScrolledUp()
{
    TranscriptView view;
    view.resize(400, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto transcript = started();
    view.setTranscript(transcript);
    for (int i = 0; i < 200; ++i)
        transcript->appendData(Direction::Received, QByteArray(QByteArray::number(i) + '\n'));
    view.flush();
    QScrollBar *bar = view.verticalScrollBar();
    QVERIFY(bar->maximum() > 20);
    bar->setValue(10); // the reader scrolled up
    const int firstVisible = view.cursorForPosition(QPoint(0, 0)).blockNumber();

    for (int i = 0; i < 200; ++i)
        transcript->appendData(Direction::Received, "more\n");
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(bar->value(), 10);
    QCOMPARE(view.cursorForPosition(QPoint(0, 0)).blockNumber(), firstVisible);

    // Back at the bottom, it follows again.
    bar->setValue(bar->maximum());
    transcript->appendData(Direction::Received, "tail\n");
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(bar->value(), bar->maximum());
    QVERIFY(view.toPlainText().endsWith(QStringLiteral("< tail\\n")));
}

void TranscriptViewTest::hostileBytesAppearEscaped()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    const QByteArray hostile = QByteArrayLiteral("nul\x00" "esc\x1b[2J\x1b]0;title\x07"
                                                 "bidi\xe2\x80\xae" "gpj.exe "
                                                 "bad\xff\xfe\xc3 "
                                                 "c1\xc2\x9b" "end");
    transcript->appendData(Direction::Received, hostile);
    view.flush();
    const QString text = view.toPlainText();

    // Nothing that could act on the reader reaches the widget...
    for (QChar c : text) {
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, qPrintable(QString::number(c.unicode(), 16)));
        QVERIFY(!(c.unicode() >= 0x80 && c.unicode() < 0xa0));
        QVERIFY(c.unicode() != 0x202e && c.unicode() != 0xfffd);
    }
    // ...and every byte is visible as an escape.
    const QString lower = text.toLower();
    QVERIFY2(lower.contains(QStringLiteral("nul\\0")), qPrintable(text));
    QVERIFY2(lower.contains(QStringLiteral("esc\\x1b[2j\\x1b]0;title\\x07")), qPrintable(text));
    QVERIFY2(lower.contains(QStringLiteral("bidi\\u{202e}gpj.exe")), qPrintable(text));
    QVERIFY2(lower.contains(QStringLiteral("bad\\xff\\xfe\\xc3 ")), qPrintable(text));
    QVERIFY2(lower.contains(QStringLiteral("c1\\u{009b}end")) || lower.contains(QStringLiteral("c1\\u{9b}end")),
             qPrintable(text));
    QVERIFY(text.startsWith(QStringLiteral("< ")));
}

void TranscriptViewTest::hostileEventTextIsEscaped()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendEvent(TranscriptEvent::error(), QStringLiteral("evil\n\x1b[31m\u202Eend"));
    view.flush();
    const QString text = view.toPlainText();
    QCOMPARE(view.document()->blockCount(), 1);
    QVERIFY(!text.contains(QChar(0x1b)));
    QVERIFY(!text.contains(QChar(0x202e)));
    QVERIFY2(text.startsWith(QStringLiteral("* error: evil\\n\\x1b[31m")), qPrintable(text));
}

void TranscriptViewTest::largeBacklogIsRenderedInSeveralPasses()
{
    // A huge backlog is split so that the event loop keeps running.
    TranscriptView view;
    auto transcript = started();
    const QByteArray binary(Transcript::maxChunkSize, '\x01'); // escapes to 4 characters a byte
    for (int i = 0; i < 4; ++i)
        transcript->appendData(Direction::Received, binary);
    view.setTranscript(transcript);
    QSignalSpy rendered(&view, &TranscriptView::rendered);
    QTRY_VERIFY(!view.hasPending());
    QVERIFY2(rendered.count() >= 2, qPrintable(QString::number(rendered.count())));
    QCOMPARE(view.renderedEntries(), transcript->entryCount());
}

void TranscriptViewTest::backlogIsShownWhileBehind()
{
    TranscriptView view;
    view.resize(600, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QLabel *indicator = view.backlogIndicator();
    QVERIFY(indicator);
    QVERIFY(!indicator->isVisible());

    // Ordinary batching is not "behind": no indicator.
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Received, "hello\n");
    QTRY_VERIFY(!view.hasPending());
    QVERIFY(!indicator->isVisible());

    // A backlog larger than a pass: shown after each pass that leaves
    // entries behind, with the counts, and gone after the pass that draws
    // the last one. Checked in each pass (a fast machine may drain it
    // within one wait).
    const QByteArray binary(Transcript::maxChunkSize, '\x01'); // escapes to 4 characters a byte
    for (int i = 0; i < 4; ++i)
        transcript->appendData(Direction::Received, binary);
    const qint64 total = transcript->entryCount();
    int behindPasses = 0;
    int wrongPasses = 0;
    bool replaceWhenBehind = false;
    connect(&view, &TranscriptView::rendered, this, [&] {
        if (!view.hasPending()) {
            wrongPasses += indicator->isVisible() ? 1 : 0;
            return;
        }
        ++behindPasses;
        const QString expected = QStringLiteral("Catching up: showing %1 of %2 entries\u2026")
                                     .arg(view.renderedEntries())
                                     .arg(view.transcript()->entryCount());
        if (!indicator->isVisible() || indicator->text() != expected || indicator->accessibleName() != expected
            || !view.viewport()->rect().contains(indicator->geometry())) {
            qWarning() << "behind, but the indicator says" << indicator->isVisible() << indicator->text();
            ++wrongPasses;
        }
        if (replaceWhenBehind) {
            // Replacing the transcript while behind hides it too.
            view.setTranscript(nullptr);
            wrongPasses += indicator->isVisible() ? 1 : 0;
        }
    });
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(view.renderedEntries(), total);
    QVERIFY(behindPasses >= 1);
    QCOMPARE(wrongPasses, 0);
    QVERIFY(!indicator->isVisible());

    replaceWhenBehind = true;
    for (int i = 0; i < 4; ++i)
        transcript->appendData(Direction::Received, binary);
    QTRY_VERIFY(!view.transcript());
    QCOMPARE(wrongPasses, 0);
    QVERIFY(!indicator->isVisible());
}

void TranscriptViewTest::newTranscriptReplacesTheOld()
{
    TranscriptView view;
    auto first = started();
    view.setTranscript(first);
    first->appendData(Direction::Received, "old\n");
    view.flush();
    QCOMPARE(view.toPlainText(), QStringLiteral("< old\\n"));
    const int rendersBefore = view.renderCount();

    // Switched while entries of the old one are waiting to be drawn.
    first->appendData(Direction::Received, "pending\n");
    QVERIFY(view.hasPending());
    auto second = started();
    second->appendData(Direction::Sent, "new\n");
    view.setTranscript(second);
    QVERIFY(view.toPlainText().isEmpty());
    QCOMPARE(view.renderedEntries(), 0);
    QCOMPARE(first.use_count(), 1); // let go of: no longer watched

    first->appendData(Direction::Received, "ignored\n");
    QTRY_VERIFY(!view.hasPending());
    QCOMPARE(view.renderCount(), rendersBefore + 1); // the new one's entry, in one pass
    QCOMPARE(view.renderedEntries(), 1);
    QCOMPARE(view.toPlainText(), QStringLiteral("> new\\n"));

    view.setTranscript(nullptr);
    QVERIFY(view.toPlainText().isEmpty());
    QVERIFY(!view.hasPending());
    QCOMPARE(second.use_count(), 1);
}

void TranscriptViewTest::wrapToggle()
{
    TranscriptView view;
    // Off by default: wrapping makes a flood many times slower to show.
    QVERIFY(!view.wrapLines());
    QCOMPARE(view.lineWrapMode(), QPlainTextEdit::NoWrap);
    view.setWrapLines(true);
    QCOMPARE(view.lineWrapMode(), QPlainTextEdit::WidgetWidth);
    view.setWrapLines(false);
    QCOMPARE(view.lineWrapMode(), QPlainTextEdit::NoWrap);
    view.setWrapLines(true);
    QCOMPARE(view.lineWrapMode(), QPlainTextEdit::WidgetWidth);
}

void TranscriptViewTest::actionsFollowTheSettings()
{
    TranscriptView view;
    QVERIFY(view.timestampsAction()->isCheckable());
    QVERIFY(view.wrapAction()->isCheckable());
    QVERIFY(!view.timestampsAction()->isChecked());
    QVERIFY(!view.wrapAction()->isChecked());

    view.setShowTimestamps(true);
    view.setWrapLines(true);
    QVERIFY(view.timestampsAction()->isChecked());
    QVERIFY(view.wrapAction()->isChecked());

    view.timestampsAction()->setChecked(false);
    view.wrapAction()->setChecked(false);
    QVERIFY(!view.showTimestamps());
    QVERIFY(!view.wrapLines());
}

void TranscriptViewTest::accessibleAsTranscript()
{
    TranscriptView view;
    auto transcript = started();
    view.setTranscript(transcript);
    transcript->appendData(Direction::Received, "answer\n");
    view.flush();
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(&view);
    QVERIFY(iface);
    QCOMPARE(iface->text(QAccessible::Name), QStringLiteral("Transcript"));
    QAccessibleTextInterface *text = iface->textInterface();
    QVERIFY(text);
    QCOMPARE(text->text(0, text->characterCount()), QStringLiteral("< answer\\n"));
    QVERIFY(view.isReadOnly());
}

QTEST_MAIN(TranscriptViewTest)
#include "tst_transcriptview.moc"
