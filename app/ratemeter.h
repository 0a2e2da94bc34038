#pragma once

#include <QList>
#include <QtGlobal>

// Transfer rates from samples of a growing byte count: the current rate
// over a sliding window and the average since start(). Pure logic: the
// caller passes the times (milliseconds of any monotonic clock), so it can
// be fed samples in tests without waiting.
//
// Contract: times never go back; counts never decrease (a smaller count is
// taken as the same as the last). Rates are in bytes per second, 0 when
// nothing can be said yet (no time has passed).
class RateMeter
{
public:
    explicit RateMeter(qint64 windowMs = 2000);

    // Begins measuring at `ms` with `bytes` already counted; forgets the
    // samples before. The average counts from here.
    void start(qint64 ms, qint64 bytes = 0);
    // Records the count at `ms`. Ignored unless running.
    void sample(qint64 ms, qint64 bytes);
    // Records the last count and ends measuring: the average is final and
    // the current rate is 0 from now on.
    void stop(qint64 ms, qint64 bytes);

    bool isRunning() const { return m_running; }
    bool hasStarted() const { return m_started; }
    qint64 windowMs() const { return m_windowMs; }
    qint64 bytes() const; // since start()
    // Samples kept: those of the last window, plus one before it.
    qsizetype sampleCount() const { return m_samples.size(); }

    // Bytes per second over the last windowMs (or since start(), if sooner).
    double currentRate() const;
    // Bytes per second from start() to the last sample (or to stop()).
    double averageRate() const;

private:
    struct Sample {
        qint64 ms;
        qint64 bytes;
    };
    static double rate(const Sample &from, const Sample &to);

    qint64 m_windowMs;
    bool m_started = false;
    bool m_running = false;
    Sample m_first{0, 0};
    // Oldest first; the first one is at or before the window's start, so
    // the window is always fully covered.
    QList<Sample> m_samples;
};
