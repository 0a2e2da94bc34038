#include "logging.h"

Q_LOGGING_CATEGORY(lcSession, "socketeer.session", QtWarningMsg)
Q_LOGGING_CATEGORY(lcTranscript, "socketeer.transcript", QtWarningMsg)
Q_LOGGING_CATEGORY(lcCli, "socketeer.cli", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDemo, "socketeer.demo", QtWarningMsg)
