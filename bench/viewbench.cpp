// Benchmark of the window's transcript view and search on large transcripts
// (offscreen platform). Prints one JSON object per case:
//   lines:  1,000,000 short lines, received
//   line:   a single 100 MB line without newline
//   cancel: a search over 1 GB, cancelled once it is under way
//   tiny:   1,000,000 datagrams of 20 bytes from one source, and 1,000,000
//           one-line chunks of 20 bytes: index, first paint, page down
//           (p50/max of 200 steps), jump to the middle and back
//   escape: TranscriptText::escape and appendEscaped on random bytes, in
//           rows of 1 KiB, MiB/s
// `viewbench tiny` runs the last two only.
// Times are in milliseconds: first paint after setTranscript(), complete
// index, scrolling to random rows with a synchronous repaint (p50/p99/max),
// a full search that finds nothing, and cancelAndWait() latency (max of 5).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <random>

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QTest>

#include "transcript.h"
#include "transcriptsearch.h"
#include "transcriptsnapshot.h"
#include "transcripttext.h"
#include "transcriptview.h"

namespace {

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

double quantile(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[size_t(q * double(values.size() - 1))];
}

std::shared_ptr<Transcript> shortLines(qint64 count)
{
    auto transcript = std::make_shared<Transcript>();
    transcript->start();
    QByteArray chunk;
    for (qint64 i = 0; i < count; ++i) {
        chunk += QByteArray::number(i).rightJustified(10, '0') + " GET /status HTTP/1.1 200 OK\n";
        if (chunk.size() >= Transcript::maxChunkSize - 64) {
            transcript->appendData(Transcript::Direction::Received, chunk);
            chunk.clear();
        }
    }
    transcript->appendData(Transcript::Direction::Received, chunk);
    return transcript;
}

// Pseudo-random bytes, or (randomBytes false) the alphabet repeated: no newline.
std::shared_ptr<Transcript> bytes(qint64 size, bool randomBytes)
{
    auto transcript = std::make_shared<Transcript>();
    transcript->start();
    QByteArray chunk(Transcript::maxChunkSize, Qt::Uninitialized);
    std::mt19937_64 random(42);
    for (qint64 done = 0; done < size; done += chunk.size()) {
        for (qsizetype i = 0; i + 8 <= chunk.size(); i += 8) {
            if (randomBytes) {
                const quint64 value = random();
                std::memcpy(chunk.data() + i, &value, 8);
            } else {
                for (qsizetype j = i; j < i + 8; ++j)
                    chunk[j] = char('a' + (done + j) % 26);
            }
        }
        transcript->appendData(Transcript::Direction::Received, chunk.left(qsizetype(std::min<qint64>(chunk.size(), size - done))));
    }
    return transcript;
}

struct Opened {
    bool shown = false;
    qint64 firstPaint = 0; // ns to the first painted rows
    qint64 indexed = 0;    // ns to a complete row index
};

// Shows `transcript` in a 1000×700 view, timing it.
Opened open(TranscriptView &view, const std::shared_ptr<Transcript> &transcript)
{
    Opened opened;
    view.resize(1000, 700);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view))
        return opened;
    QElapsedTimer clock;
    clock.start();
    view.setTranscript(transcript);
    while (view.paintedRows().isEmpty())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    opened.firstPaint = clock.nsecsElapsed();
    while (view.hasPending())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    opened.indexed = clock.nsecsElapsed();
    opened.shown = true;
    return opened;
}

void viewCase(const char *name, const std::shared_ptr<Transcript> &transcript)
{
    TranscriptView view;
    const Opened opened = open(view, transcript);
    if (!opened.shown)
        return;
    QElapsedTimer clock;

    std::vector<double> scrolls;
    std::mt19937_64 random(7);
    for (int i = 0; i < 200; ++i) {
        const qint64 row = qint64(random() % quint64(std::max<qint64>(1, view.rowCount())));
        clock.restart();
        view.scrollToRow(row);
        view.viewport()->repaint();
        scrolls.push_back(ms(clock.nsecsElapsed()));
    }
    clock.restart();
    view.scrollToEnd();
    view.viewport()->repaint();
    const qint64 toEnd = clock.nsecsElapsed();

    TranscriptSearch::Request request;
    request.pattern = QByteArrayLiteral("\x01not-there\x02");
    request.wrap = false;
    clock.restart();
    const TranscriptSearch::Result result = TranscriptSearch::find(transcript->snapshot(), request);
    const qint64 search = clock.nsecsElapsed();

    std::printf("{\"case\":\"%s\",\"bytes\":%lld,\"rows\":%lld,\"index_kib\":%.1f,\"first_paint_ms\":%.1f,"
                "\"indexed_ms\":%.1f,\"scroll_p50_ms\":%.2f,\"scroll_p99_ms\":%.2f,\"scroll_max_ms\":%.2f,"
                "\"scroll_to_end_ms\":%.2f,\"full_search_ms\":%.1f,\"search_found\":%s}\n",
                name, static_cast<long long>(transcript->totalBytes(Transcript::Direction::Received)),
                static_cast<long long>(view.rowCount()), double(view.layout().indexBytes()) / 1024.0,
                ms(opened.firstPaint), ms(opened.indexed), quantile(scrolls, 0.5), quantile(scrolls, 0.99),
                quantile(scrolls, 1.0), ms(toEnd), ms(search),
                result.status == TranscriptSearch::Status::Found ? "true" : "false");
    std::fflush(stdout);
}

// 1,000,000 entries of 20 bytes: datagrams from one source, or one-line chunks.
std::shared_ptr<Transcript> tinyEntries(qint64 count, bool datagrams)
{
    auto transcript = std::make_shared<Transcript>();
    transcript->start();
    const QString source = QStringLiteral("127.0.0.1:5353");
    for (qint64 i = 0; i < count; ++i) {
        const QByteArray line = QByteArray::number(i).rightJustified(11, '0') + " tiny ok\n";
        transcript->appendDataAt(Transcript::Direction::Received, line, i, i,
                                 datagrams ? source : QString());
    }
    transcript->flush();
    return transcript;
}

void tinyCase(const char *name, const std::shared_ptr<Transcript> &transcript)
{
    TranscriptView view;
    const Opened opened = open(view, transcript);
    if (!opened.shown)
        return;
    QElapsedTimer clock;

    // Page down from a row in the middle of a checkpoint's stride.
    view.scrollToRow(view.rowCount() / 3 + 17);
    view.viewport()->repaint();
    std::vector<double> pages;
    for (int i = 0; i < 200; ++i) {
        clock.restart();
        view.verticalScrollBar()->triggerAction(QAbstractSlider::SliderPageStepAdd);
        view.viewport()->repaint();
        pages.push_back(ms(clock.nsecsElapsed()));
    }
    std::vector<double> lines;
    for (int i = 0; i < 200; ++i) {
        clock.restart();
        view.verticalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepAdd);
        view.viewport()->repaint();
        lines.push_back(ms(clock.nsecsElapsed()));
    }
    std::vector<double> jumps;
    for (int i = 0; i < 20; ++i) {
        clock.restart();
        view.scrollToRow(i % 2 ? 0 : view.rowCount() / 2 + 1001);
        view.viewport()->repaint();
        jumps.push_back(ms(clock.nsecsElapsed()));
    }
    std::printf("{\"case\":\"%s\",\"entries\":%lld,\"rows\":%lld,\"index_kib\":%.1f,\"first_paint_ms\":%.1f,"
                "\"indexed_ms\":%.1f,\"page_down_p50_ms\":%.2f,\"page_down_max_ms\":%.2f,"
                "\"line_down_p50_ms\":%.2f,\"jump_p50_ms\":%.2f,\"jump_max_ms\":%.2f}\n",
                name, static_cast<long long>(transcript->entryCount()), static_cast<long long>(view.rowCount()),
                double(view.layout().indexBytes()) / 1024.0, ms(opened.firstPaint), ms(opened.indexed), quantile(pages, 0.5),
                quantile(pages, 1.0), quantile(lines, 0.5), quantile(jumps, 0.5), quantile(jumps, 1.0));
    std::fflush(stdout);
}

void escapeCase()
{
    QByteArray bytes(32 * 1024 * 1024, Qt::Uninitialized);
    std::mt19937_64 random(3);
    for (qsizetype i = 0; i + 8 <= bytes.size(); i += 8) {
        const quint64 value = random();
        std::memcpy(bytes.data() + i, &value, 8);
    }
    QByteArray text(bytes.size(), Qt::Uninitialized);
    for (qsizetype i = 0; i < text.size(); ++i)
        text[i] = char(0x20 + (i * 7 + i / 61) % 95);
    for (qsizetype i = 80; i < text.size(); i += 81)
        text[i] = '\n';
    const auto mibPerSecond = [](qint64 size, qint64 ns) { return double(size) / (1024.0 * 1024.0) / (double(ns) / 1e9); };
    for (const auto &[name, input] : {std::pair<const char *, const QByteArray &>{"random", bytes}, {"ascii", text}}) {
        QElapsedTimer clock;
        clock.start();
        qint64 length = 0;
        for (qsizetype at = 0; at < input.size(); at += 1024)
            length += TranscriptText::escape(QByteArrayView(input).sliced(at, std::min<qsizetype>(1024, input.size() - at))).size();
        const qint64 escapeNs = clock.nsecsElapsed();
        clock.restart();
        QByteArray out;
        for (qsizetype at = 0; at < input.size(); at += 64 * 1024) {
            out.clear();
            TranscriptText::appendEscaped(QByteArrayView(input).sliced(at, std::min<qsizetype>(64 * 1024, input.size() - at)), out);
            length += out.size();
        }
        const qint64 appendNs = clock.nsecsElapsed();
        std::printf("{\"case\":\"escape %s\",\"bytes\":%lld,\"escape_mib_s\":%.1f,\"append_escaped_mib_s\":%.1f,\"out\":%lld}\n",
                    name, static_cast<long long>(input.size()), mibPerSecond(input.size(), escapeNs),
                    mibPerSecond(input.size(), appendNs), static_cast<long long>(length));
        std::fflush(stdout);
    }
}

void cancelCase(qint64 size)
{
    const std::shared_ptr<Transcript> transcript = bytes(size, true);
    const TranscriptSnapshot snapshot = transcript->snapshot();
    TranscriptSearch search;
    std::atomic<qint64> scanned{0};
    search.setBlockObserver([&scanned](qint64 bytes) { scanned = bytes; });
    TranscriptSearch::Request request;
    request.pattern = QByteArrayLiteral("\x01not-there\x02\x03\x04");
    request.wrap = false;
    std::vector<double> latencies;
    for (int i = 0; i < 5; ++i) {
        scanned = 0;
        search.start(snapshot, request);
        const qint64 target = size / 10 * (i + 2);
        while (scanned < target)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        QElapsedTimer clock;
        clock.start();
        search.cancelAndWait();
        latencies.push_back(ms(clock.nsecsElapsed()));
        QCoreApplication::processEvents();
    }
    std::printf("{\"case\":\"cancel\",\"bytes\":%lld,\"cancel_max_ms\":%.2f,\"cancel_p50_ms\":%.2f}\n",
                static_cast<long long>(size), quantile(latencies, 1.0), quantile(latencies, 0.5));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc > 1 && QByteArray(argv[1]) == "tiny") {
        tinyCase("1,000,000 datagrams of 20 bytes", tinyEntries(1'000'000, true));
        tinyCase("1,000,000 one-line chunks", tinyEntries(1'000'000, false));
        escapeCase();
        return 0;
    }
    const qint64 cancelSize = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1'000'000'000;
    viewCase("1,000,000 short lines", shortLines(1'000'000));
    viewCase("one 100 MB line", bytes(100'000'000, false));
    cancelCase(cancelSize);
    tinyCase("1,000,000 datagrams of 20 bytes", tinyEntries(1'000'000, true));
    tinyCase("1,000,000 one-line chunks", tinyEntries(1'000'000, false));
    escapeCase();
    return 0;
}
