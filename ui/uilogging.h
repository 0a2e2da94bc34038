#pragma once

#include <QLoggingCategory>

// Logging for the widgets layer: "socketeer.ui".
Q_DECLARE_LOGGING_CATEGORY(lcUi)
