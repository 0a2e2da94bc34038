#include "transcriptsearch.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include <QByteArrayMatcher>
#include <QByteArrayView>
#include <QThread>

namespace {

using Direction = Transcript::Direction;

int streamIndex(Direction direction)
{
    return direction == Direction::Sent ? 0 : 1;
}

// ASCII upper case to lower case; other bytes unchanged. Eight bytes at a
// time: a byte gets 0x20 added when it is below 0x80 and within 'A'..'Z'.
void foldInPlace(QByteArray &bytes)
{
    constexpr quint64 ones = 0x0101010101010101ULL;
    constexpr quint64 high = 0x8080808080808080ULL;
    char *p = bytes.data();
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8) {
        quint64 x;
        std::memcpy(&x, p + i, 8);
        const quint64 low7 = x & ~high;
        const quint64 atLeastA = low7 + (0x80 - 'A') * ones; // high bit set where >= 'A'
        const quint64 aboveZ = low7 + (0x80 - 'Z' - 1) * ones; // high bit set where > 'Z'
        const quint64 upper = atLeastA & ~aboveZ & ~x & high;
        x |= upper >> 2; // 0x80 >> 2 == 0x20
        std::memcpy(p + i, &x, 8);
    }
    for (; i < n; ++i) {
        if (p[i] >= 'A' && p[i] <= 'Z')
            p[i] = char(p[i] + ('a' - 'A'));
    }
}

// Maps between entries and per-direction byte offsets without keeping one
// record per entry: the bytes of each direction before every sampleEvery-th
// entry. Built on first use by one walk over the entries.
class EntryIndex
{
public:
    static constexpr qint64 sampleEvery = 256;

    EntryIndex(const TranscriptSnapshot &snapshot, const std::atomic<bool> *cancel)
        : m_snapshot(snapshot)
        , m_cancel(cancel)
    {
    }

    // False when cancelled while building.
    bool ensureBuilt()
    {
        if (m_built)
            return true;
        const qint64 count = m_snapshot.entryCount();
        m_samples[0].clear();
        m_samples[1].clear();
        qint64 before[2] = {0, 0};
        for (qint64 i = 0; i < count; ++i) {
            if (i % sampleEvery == 0) {
                if ((i % (sampleEvery * 16)) == 0 && m_cancel && m_cancel->load(std::memory_order_relaxed))
                    return false;
                m_samples[0].push_back(before[0]);
                m_samples[1].push_back(before[1]);
            }
            const Transcript::Entry e = m_snapshot.entry(i);
            if (e.kind == Transcript::Kind::Data)
                before[streamIndex(e.direction)] += e.size;
        }
        m_built = true;
        return true;
    }

    // The entry holding byte `offset` of `direction`; entryCount() at or
    // past the end of that stream.
    qint64 entryOf(Direction direction, qint64 offset) const
    {
        const qint64 count = m_snapshot.entryCount();
        const std::vector<qint64> &samples = m_samples[streamIndex(direction)];
        if (samples.empty() || offset >= m_snapshot.totalBytes(direction))
            return count;
        // The last sample with at most `offset` bytes before it.
        const auto it = std::upper_bound(samples.begin(), samples.end(), offset);
        const qint64 sample = qint64(it - samples.begin()) - 1;
        for (qint64 i = qMax<qint64>(0, sample) * sampleEvery; i < count; ++i) {
            const Transcript::Entry e = m_snapshot.entry(i);
            if (e.kind == Transcript::Kind::Data && e.direction == direction && offset >= e.offset
                && offset < e.offset + e.size)
                return i;
        }
        return count;
    }

    // The bytes of `direction` in entries [0, entry).
    qint64 bytesBefore(Direction direction, qint64 entry) const
    {
        const qint64 count = m_snapshot.entryCount();
        if (entry >= count)
            return m_snapshot.totalBytes(direction);
        const qint64 sample = entry / sampleEvery;
        qint64 bytes = m_samples[streamIndex(direction)].at(size_t(sample));
        for (qint64 i = sample * sampleEvery; i < entry; ++i) {
            const Transcript::Entry e = m_snapshot.entry(i);
            if (e.kind == Transcript::Kind::Data && e.direction == direction)
                bytes += e.size;
        }
        return bytes;
    }

private:
    const TranscriptSnapshot &m_snapshot;
    const std::atomic<bool> *m_cancel;
    std::vector<qint64> m_samples[2];
    bool m_built = false;
};

class Searcher
{
public:
    Searcher(const TranscriptSnapshot &snapshot, const TranscriptSearch::Request &request,
             const std::atomic<bool> *cancel, const std::function<void(qint64, qint64)> &progress)
        : m_snapshot(snapshot)
        , m_request(request)
        , m_pattern(request.caseSensitive ? request.pattern : folded(request.pattern))
        , m_matcher(m_pattern)
        , m_cancel(cancel)
        , m_progress(progress)
        , m_index(snapshot, cancel)
    {
    }

    TranscriptSearch::Result run();

private:
    static QByteArray folded(QByteArray bytes)
    {
        foldInPlace(bytes);
        return bytes;
    }
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
    QList<Direction> directions() const;
    // The first (or last, backward) match of `direction` starting in
    // [from, to); -1 when none; nullopt when cancelled.
    std::optional<qint64> forward(Direction direction, qint64 from, qint64 to);
    std::optional<qint64> backward(Direction direction, qint64 from, qint64 to);
    QByteArray readBlock(Direction direction, qint64 offset, qint64 length);
    void scanned(qint64 bytes);

    const TranscriptSnapshot &m_snapshot;
    const TranscriptSearch::Request &m_request;
    const QByteArray m_pattern;
    const QByteArrayMatcher m_matcher;
    const std::atomic<bool> *m_cancel;
    const std::function<void(qint64, qint64)> &m_progress;
    EntryIndex m_index;
    qint64 m_scanned = 0;
    qint64 m_total = 0;
};

QList<Direction> Searcher::directions() const
{
    switch (m_request.scope) {
    case TranscriptSearch::Scope::Sent:
        return {Direction::Sent};
    case TranscriptSearch::Scope::Received:
        return {Direction::Received};
    case TranscriptSearch::Scope::Both:
        break;
    }
    return {Direction::Sent, Direction::Received};
}

QByteArray Searcher::readBlock(Direction direction, qint64 offset, qint64 length)
{
    QByteArray block = m_snapshot.read(direction, offset, length);
    if (!m_request.caseSensitive)
        foldInPlace(block);
    return block;
}

void Searcher::scanned(qint64 bytes)
{
    m_scanned += bytes;
    if (m_progress)
        m_progress(m_scanned, m_total);
}

// The first occurrence of `needle` in `haystack`, or -1.
qsizetype indexIn(QByteArrayView haystack, QByteArrayView needle, const QByteArrayMatcher &matcher)
{
#if defined(__GLIBC__)
    // glibc's two-way memmem: linear, and several times faster than
    // QByteArrayMatcher on short patterns.
    Q_UNUSED(matcher);
    const void *hit = memmem(haystack.data(), size_t(haystack.size()), needle.data(), size_t(needle.size()));
    return hit ? qsizetype(static_cast<const char *>(hit) - haystack.data()) : -1;
#else
    Q_UNUSED(needle);
    return matcher.indexIn(haystack, 0);
#endif
}

// The last occurrence of `needle` in `haystack` starting before `end`, or -1.
qsizetype lastIndexIn(QByteArrayView haystack, QByteArrayView needle, qsizetype end,
                      const QByteArrayMatcher &matcher)
{
    // Forward hits are fast; a block full of hits (or a long periodic
    // pattern) falls back to Qt's linear backward search for the rest.
    qsizetype last = -1;
    qsizetype from = 0;
    for (int hits = 0; hits < 256 && from < end; ++hits) {
        const qsizetype hit = indexIn(haystack.sliced(from), needle, matcher);
        if (hit < 0 || from + hit >= end)
            return last;
        last = from + hit;
        from = last + 1;
    }
    if (from >= end)
        return last;
    const qsizetype tail = haystack.lastIndexOf(needle, end - 1);
    return tail >= from ? tail : last;
}

std::optional<qint64> Searcher::forward(Direction direction, qint64 from, qint64 to)
{
    const qint64 patternLength = m_pattern.size();
    to = qMin(to, m_snapshot.totalBytes(direction) - patternLength + 1); // last possible start + 1
    for (qint64 position = from; position < to;) {
        if (cancelled())
            return std::nullopt;
        const qint64 span = qMin(TranscriptSearch::blockSize, to - position); // starts looked at
        const QByteArray block = readBlock(direction, position, span + patternLength - 1);
        const qsizetype hit = indexIn(QByteArrayView(block), QByteArrayView(m_pattern), m_matcher);
        scanned(span);
        if (hit >= 0 && hit < span)
            return position + hit;
        position += span;
    }
    return -1;
}

std::optional<qint64> Searcher::backward(Direction direction, qint64 from, qint64 to)
{
    const qint64 patternLength = m_pattern.size();
    to = qMin(to, m_snapshot.totalBytes(direction) - patternLength + 1);
    for (qint64 end = to; end > from;) {
        if (cancelled())
            return std::nullopt;
        const qint64 start = qMax(from, end - TranscriptSearch::blockSize);
        const qint64 span = end - start;
        const QByteArray block = readBlock(direction, start, span + patternLength - 1);
        const qsizetype hit = lastIndexIn(QByteArrayView(block), QByteArrayView(m_pattern), span, m_matcher);
        scanned(span);
        if (hit >= 0 && hit < span)
            return start + hit;
        end = start;
    }
    return -1;
}

TranscriptSearch::Result Searcher::run()
{
    TranscriptSearch::Result result;
    const QList<Direction> dirs = directions();
    for (Direction d : dirs)
        m_total += m_snapshot.totalBytes(d);
    result.bytesTotal = m_total;
    if (m_pattern.isEmpty())
        return result;

    const TranscriptSearch::Match &from = m_request.from;
    const bool hasFrom = from.isValid();

    // Where each direction's search region begins (forward) or ends
    // (backward), from `from`.
    qint64 limit[2] = {0, 0};
    for (Direction d : dirs) {
        const qint64 total = m_snapshot.totalBytes(d);
        qint64 &l = limit[streamIndex(d)];
        if (!hasFrom) {
            l = m_request.backward ? total : 0;
        } else if (d == from.direction) {
            l = qMin(total, m_request.backward ? from.offset : from.offset + from.length);
        } else {
            if (!m_index.ensureBuilt())
                return {TranscriptSearch::Status::Cancelled, {}, false, m_scanned, m_total};
            qint64 boundary; // the first entry after (forward) / at (backward) `from`
            if (m_request.backward)
                boundary = m_index.entryOf(from.direction, from.offset);
            else if (from.length > 0)
                boundary = m_index.entryOf(from.direction, from.offset + from.length - 1) + 1;
            else
                boundary = m_index.entryOf(from.direction, from.offset);
            l = m_index.bytesBefore(d, boundary);
        }
    }

    // One pass over each direction's region; the nearest match in
    // transcript order wins.
    auto pass = [&](bool wrapped) -> std::optional<TranscriptSearch::Match> {
        qint64 found[2] = {-1, -1};
        for (Direction d : dirs) {
            const qint64 total = m_snapshot.totalBytes(d);
            const qint64 l = limit[streamIndex(d)];
            std::optional<qint64> hit;
            if (!m_request.backward)
                hit = wrapped ? forward(d, 0, l) : forward(d, l, total);
            else
                hit = wrapped ? backward(d, l, total) : backward(d, 0, l);
            if (!hit)
                return std::nullopt;
            found[streamIndex(d)] = *hit;
        }
        TranscriptSearch::Match best;
        best.length = m_pattern.size();
        qint64 bestEntry = -1;
        for (Direction d : dirs) {
            const qint64 offset = found[streamIndex(d)];
            if (offset < 0)
                continue;
            if (!best.isValid()) {
                best.direction = d;
                best.offset = offset;
                continue;
            }
            if (!m_index.ensureBuilt())
                return std::nullopt;
            if (bestEntry < 0)
                bestEntry = m_index.entryOf(best.direction, best.offset);
            const qint64 entry = m_index.entryOf(d, offset);
            if (m_request.backward ? entry > bestEntry : entry < bestEntry) {
                best.direction = d;
                best.offset = offset;
                bestEntry = entry;
            }
        }
        return best;
    };

    std::optional<TranscriptSearch::Match> match = pass(false);
    if (match && !match->isValid() && m_request.wrap) {
        match = pass(true);
        result.wrapped = match && match->isValid();
    }
    result.bytesScanned = m_scanned;
    if (!match) {
        result.status = TranscriptSearch::Status::Cancelled;
        result.wrapped = false;
    } else if (match->isValid()) {
        result.status = TranscriptSearch::Status::Found;
        result.match = *match;
    }
    return result;
}

} // namespace

TranscriptSearch::Result TranscriptSearch::find(const TranscriptSnapshot &snapshot, const Request &request,
                                                const std::atomic<bool> *cancel,
                                                const std::function<void(qint64, qint64)> &progress)
{
    Searcher searcher(snapshot, request, cancel, progress);
    return searcher.run();
}

struct TranscriptSearch::Job {
    std::atomic<bool> cancel{false};
    QThread *thread = nullptr;
};

TranscriptSearch::TranscriptSearch(QObject *parent)
    : QObject(parent)
{
}

TranscriptSearch::~TranscriptSearch()
{
    for (const std::shared_ptr<Job> &job : std::as_const(m_jobs))
        job->cancel = true;
    for (const std::shared_ptr<Job> &job : std::as_const(m_jobs)) {
        job->thread->wait();
        delete job->thread;
    }
}

void TranscriptSearch::start(const TranscriptSnapshot &snapshot, const Request &request)
{
    if (m_current)
        m_current->cancel = true; // its result is dropped in onJobFinished()
    auto job = std::make_shared<Job>();
    const std::function<void(qint64)> observer = m_blockObserver;
    job->thread = QThread::create([this, job, snapshot, request, observer] {
        int lastPercent = 0;
        const auto onBlock = [&](qint64 scanned, qint64 total) {
            if (observer)
                observer(scanned);
            const int percent = total > 0 ? int(scanned * 100 / total) : 100;
            if (percent > lastPercent && percent < 100) {
                lastPercent = percent;
                QMetaObject::invokeMethod(
                    this,
                    [this, job, scanned, total] {
                        if (job == m_current)
                            Q_EMIT progress(scanned, total);
                    },
                    Qt::QueuedConnection);
            }
        };
        const Result result = find(snapshot, request, &job->cancel, onBlock);
        QMetaObject::invokeMethod(this, [this, job, result] { onJobFinished(job, result); }, Qt::QueuedConnection);
    });
    job->thread->setObjectName(QStringLiteral("TranscriptSearch"));
    m_jobs.append(job);
    m_current = job;
    job->thread->start();
}

void TranscriptSearch::cancel()
{
    if (m_current)
        m_current->cancel = true;
}

void TranscriptSearch::cancelAndWait()
{
    if (!m_current)
        return;
    m_current->cancel = true;
    m_current->thread->wait();
}

void TranscriptSearch::onJobFinished(const std::shared_ptr<Job> &job, const Result &result)
{
    job->thread->wait(); // it has posted this as its last act
    delete job->thread;
    job->thread = nullptr;
    m_jobs.removeOne(job);
    if (job != m_current)
        return;
    m_current.reset();
    Q_EMIT finished(result);
}
