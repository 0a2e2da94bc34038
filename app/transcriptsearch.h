#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>

#include "transcript.h"
#include "transcriptsnapshot.h"

// Finds a byte pattern in a TranscriptSnapshot, in the background.
//
// A match is a byte range of ONE direction's stream (the bytes sent, or the
// bytes received, as if all chunks of that direction were concatenated), so
// a match may span any number of chunks of its direction, with events or the
// other direction's chunks between them in the entry list.
//
// Order: matches are ordered by where they start in the transcript: the
// entry holding their first byte, then their offset. "Next" is the first
// match that starts at or after the end of `from` (the current match or
// selection; when `from` comes from one direction, the other direction's
// bytes count as after it from the entry that follows its last byte);
// "previous" the last one that starts before `from` starts. Without `from`,
// next searches from the top and previous from the bottom. With `wrap`, a
// search that reaches the end (or the top) goes on from the other end, and
// the result says it wrapped. Both directions are searched together and the
// nearest match wins.
//
// Reading: the snapshot is read in blocks of blockSize bytes (plus the
// pattern's length, so matches across blocks are found), never as a whole,
// and never past the snapshot. The cancel flag is checked before each block
// and every few thousand entries while mapping offsets to entries, so a
// cancel is seen within one block's work.
class TranscriptSearch : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 blockSize = 1024 * 1024;

    enum class Scope { Both, Sent, Received };
    Q_ENUM(Scope)
    enum class Status { Found, NotFound, Cancelled };
    Q_ENUM(Status)

    struct Match {
        Transcript::Direction direction = Transcript::Direction::Received;
        qint64 offset = -1; // in `direction`'s stream; -1: none
        qint64 length = 0;
        bool isValid() const { return offset >= 0; }
        bool operator==(const Match &other) const
        {
            return direction == other.direction && offset == other.offset && length == other.length;
        }
    };

    struct Request {
        QByteArray pattern;        // must not be empty (see SearchPattern)
        bool caseSensitive = true; // false: ASCII letters match either case
        Scope scope = Scope::Both;
        bool backward = false; // previous instead of next
        Match from;            // current match or selection (length may be 0); invalid: from an end
        bool wrap = true;
    };

    struct Result {
        Status status = Status::NotFound;
        Match match;          // valid when Found
        bool wrapped = false; // Found after going past the end (or the top)
        qint64 bytesScanned = 0;
        qint64 bytesTotal = 0; // the most a search of this scope may scan
    };

    // Runs one search on the calling thread. `cancel` (may be null) is read
    // before each block; `progress` (may be empty) is called after each
    // block with the bytes scanned so far and bytesTotal.
    static Result find(const TranscriptSnapshot &snapshot, const Request &request,
                       const std::atomic<bool> *cancel = nullptr,
                       const std::function<void(qint64 scanned, qint64 total)> &progress = {});

    explicit TranscriptSearch(QObject *parent = nullptr);
    // Cancels any search and waits for its worker to stop (one block's work).
    ~TranscriptSearch() override;

    // Starts a search on a worker thread. A search still running is
    // cancelled first and its result is never reported: only the last
    // search started reports finished().
    void start(const TranscriptSnapshot &snapshot, const Request &request);
    bool isRunning() const { return m_current != nullptr; }

    // Asks the running search to stop and returns at once; it reports
    // finished() with Status::Cancelled (or its result, if it had already
    // finished). Nothing happens when no search runs.
    void cancel();
    // As cancel(), then waits until the worker has stopped; finished() is
    // still delivered through the event loop. For benchmarks and shutdown.
    void cancelAndWait();

    // Called on the worker thread after each block, with the bytes scanned
    // so far (tests and benchmarks: e.g. to hold a worker at a known point).
    void setBlockObserver(std::function<void(qint64 scanned)> observer) { m_blockObserver = std::move(observer); }

Q_SIGNALS:
    // While a search runs, at most about once per percent of bytesTotal.
    void progress(qint64 scanned, qint64 total);
    void finished(const TranscriptSearch::Result &result);

private:
    struct Job;
    void onJobFinished(const std::shared_ptr<Job> &job, const Result &result);

    std::shared_ptr<Job> m_current;
    QList<std::shared_ptr<Job>> m_jobs; // workers not yet stopped, m_current included
    std::function<void(qint64)> m_blockObserver;
};

Q_DECLARE_METATYPE(TranscriptSearch::Result)
