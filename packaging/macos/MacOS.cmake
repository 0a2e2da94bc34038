# macOS: Socketeer.app, with its icon and Info.plist; at install time
# macdeployqt (through Qt's deploy script) copies the Qt frameworks and
# plugins into the bundle; CPack makes a DMG to drag it from
# (`cpack -G DragNDrop`). Written, not yet built or tested in CI.
if(NOT APPLE)
    return()
endif()

# The icon: iconutil, which every macOS has, turns the PNGs into an .icns.
set(iconset ${CMAKE_BINARY_DIR}/packaging/socketeer.iconset)
set(icns ${CMAKE_BINARY_DIR}/packaging/socketeer.icns)
set(icons ${CMAKE_SOURCE_DIR}/resources/icons)
add_custom_command(
    OUTPUT ${icns}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${iconset}
    COMMAND ${CMAKE_COMMAND} -E copy ${icons}/socketeer-16.png ${iconset}/icon_16x16.png
    COMMAND ${CMAKE_COMMAND} -E copy ${icons}/socketeer-32.png ${iconset}/icon_16x16@2x.png
    COMMAND ${CMAKE_COMMAND} -E copy ${icons}/socketeer-32.png ${iconset}/icon_32x32.png
    COMMAND ${CMAKE_COMMAND} -E copy ${icons}/socketeer-64.png ${iconset}/icon_32x32@2x.png
    COMMAND ${CMAKE_COMMAND} -E copy ${icons}/socketeer-128.png ${iconset}/icon_128x128.png
    COMMAND ${CMAKE_COMMAND} -E copy ${icons}/socketeer-256.png ${iconset}/icon_128x128@2x.png
    COMMAND ${CMAKE_COMMAND} -E copy ${icons}/socketeer-256.png ${iconset}/icon_256x256.png
    COMMAND iconutil --convert icns --output ${icns} ${iconset}
    DEPENDS ${icons}/socketeer-16.png ${icons}/socketeer-32.png ${icons}/socketeer-64.png
            ${icons}/socketeer-128.png ${icons}/socketeer-256.png
    VERBATIM)
target_sources(socketeer PRIVATE ${icns})
set_source_files_properties(${icns} PROPERTIES MACOSX_PACKAGE_LOCATION Resources)

set_target_properties(socketeer PROPERTIES
    OUTPUT_NAME Socketeer
    MACOSX_BUNDLE ON
    MACOSX_BUNDLE_BUNDLE_NAME Socketeer
    MACOSX_BUNDLE_GUI_IDENTIFIER ${SOCKETEER_APP_ID}
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
    MACOSX_BUNDLE_ICON_FILE socketeer.icns
    MACOSX_BUNDLE_COPYRIGHT "Copyright The Socketeer developers")

qt_generate_deploy_app_script(TARGET socketeer FILENAME_VARIABLE socketeer_deploy_script)
install(SCRIPT ${socketeer_deploy_script})

if(NOT DEFINED CPACK_GENERATOR)
    set(CPACK_GENERATOR DragNDrop)
endif()
set(CPACK_DMG_VOLUME_NAME "Socketeer ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT UDBZ)
