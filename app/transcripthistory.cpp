#include "transcripthistory.h"

#include <QStandardPaths>

#include "transcript.h"

// Interim stubs: the disk-backed store replaces them.

TranscriptHistory::TranscriptHistory(const QString &folder)
    : m_folder(folder)
{
}

QString TranscriptHistory::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/transcripts");
}

QList<TranscriptHistory::Item> TranscriptHistory::items() const
{
    return {};
}

std::shared_ptr<Transcript> TranscriptHistory::createTranscript(const QString &, quint16, QString *) const
{
    return std::make_shared<Transcript>();
}

std::shared_ptr<Transcript> TranscriptHistory::open(const QString &, QString *errorMessage) const
{
    if (errorMessage)
        *errorMessage = QStringLiteral("not implemented");
    return nullptr;
}

bool TranscriptHistory::remove(const QString &, QString *errorMessage) const
{
    if (errorMessage)
        *errorMessage = QStringLiteral("not implemented");
    return false;
}

QStringList TranscriptHistory::enforce(const Limits &) const
{
    return {};
}
