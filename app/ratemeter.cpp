#include "ratemeter.h"

RateMeter::RateMeter(qint64 windowMs)
    : m_windowMs(qMax<qint64>(1, windowMs))
{
}

void RateMeter::start(qint64 ms, qint64 bytes)
{
    m_started = true;
    m_running = true;
    m_first = Sample{ms, bytes};
    m_samples = {m_first};
}

void RateMeter::sample(qint64 ms, qint64 bytes)
{
    if (!m_running)
        return;
    const Sample &last = m_samples.constLast();
    Sample next{qMax(ms, last.ms), qMax(bytes, last.bytes)};
    if (next.ms == last.ms)
        m_samples.last() = next;
    else
        m_samples.append(next);
    // Drop samples that no longer bound the window: keep the newest one at
    // or before its start.
    const qint64 windowStart = next.ms - m_windowMs;
    while (m_samples.size() > 2 && m_samples.at(1).ms <= windowStart)
        m_samples.removeFirst();
}

void RateMeter::stop(qint64 ms, qint64 bytes)
{
    sample(ms, bytes);
    m_running = false;
}

qint64 RateMeter::bytes() const
{
    return m_started ? m_samples.constLast().bytes - m_first.bytes : 0;
}

double RateMeter::rate(const Sample &from, const Sample &to)
{
    const qint64 ms = to.ms - from.ms;
    return ms > 0 ? double(to.bytes - from.bytes) * 1000.0 / double(ms) : 0.0;
}

double RateMeter::currentRate() const
{
    if (!m_running)
        return 0.0;
    const Sample &last = m_samples.constLast();
    Sample from = m_samples.constFirst();
    const qint64 windowStart = last.ms - m_windowMs;
    if (from.ms < windowStart && m_samples.size() > 1) {
        // The bytes between the bounding sample and the next one are spread
        // evenly over that interval; only the part inside the window counts.
        const Sample &next = m_samples.at(1);
        const double fraction = double(windowStart - from.ms) / double(next.ms - from.ms);
        from = Sample{windowStart, from.bytes + qint64(double(next.bytes - from.bytes) * fraction)};
    }
    return rate(from, last);
}

double RateMeter::averageRate() const
{
    return m_started ? rate(m_first, m_samples.constLast()) : 0.0;
}
