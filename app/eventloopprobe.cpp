#include "eventloopprobe.h"

#include <algorithm>

#include <QFile>

EventLoopProbe::EventLoopProbe(QObject *parent)
    : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(1);
    connect(&m_timer, &QTimer::timeout, this, &EventLoopProbe::tick);
}

EventLoopProbe::~EventLoopProbe()
{
    if (m_outputFile.isEmpty())
        return;
    QFile file(m_outputFile);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(toJson() + '\n');
}

EventLoopProbe *EventLoopProbe::fromEnvironment(QObject *parent)
{
    const QString path = qEnvironmentVariable(environmentVariable);
    if (path.isEmpty())
        return nullptr;
    auto *probe = new EventLoopProbe(parent);
    probe->setOutputFile(path);
    return probe;
}

void EventLoopProbe::start()
{
    m_clock.start();
    m_lastNs = -1;
    m_timer.start();
}

void EventLoopProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    if (m_lastNs >= 0) {
        const qint64 gap = now - m_lastNs;
        ++m_count;
        m_maxNs = std::max(m_maxNs, gap);
        if (gap > 16'000'000)
            ++m_over16;
        if (gap > 50'000'000)
            ++m_over50;
        ++m_buckets[size_t(std::min<qint64>(gap / bucketNs, bucketCount - 1))];
    }
    m_lastNs = now;
}

double EventLoopProbe::quantileMs(double q) const
{
    if (m_count == 0)
        return 0;
    const auto wanted = qint64(q * double(m_count - 1)) + 1;
    qint64 seen = 0;
    for (int i = 0; i < bucketCount; ++i) {
        seen += m_buckets[size_t(i)];
        if (seen >= wanted)
            return double(i + 1) * bucketNs / 1e6; // upper edge of the bucket
    }
    return maxMs();
}

QByteArray EventLoopProbe::toJson() const
{
    return QStringLiteral("{\"gaps\":%1,\"p50_ms\":%2,\"p99_ms\":%3,\"p999_ms\":%4,\"max_ms\":%5,"
                          "\"over_16ms\":%6,\"over_50ms\":%7}")
        .arg(m_count)
        .arg(quantileMs(0.5), 0, 'f', 3)
        .arg(quantileMs(0.99), 0, 'f', 3)
        .arg(quantileMs(0.999), 0, 'f', 3)
        .arg(maxMs(), 0, 'f', 3)
        .arg(m_over16)
        .arg(m_over50)
        .toUtf8();
}
