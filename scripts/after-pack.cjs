// electron-builder's afterPack hook: flips Electron's fuses in the packed app's executable
// before it is signed, so a packaged Convolab cannot be turned into something else:
//   - RunAsNode off: ELECTRON_RUN_AS_NODE=1 cannot make it a plain Node.js;
//   - NODE_OPTIONS and the --inspect/--inspect-brk arguments off: no code or debugger injected
//     from the environment or the command line;
//   - only the app in app.asar is loaded, and the asar's integrity is checked (macOS and
//     Windows, where electron-builder writes the hash; Electron ignores it elsewhere);
//   - cookies encrypted at rest, no browser-process V8 snapshot swap, and file:// without the
//     extra privileges Electron grants it by default (the page is served on app://).
// Settings as data (FUSES) so the packaging tests can check them without Electron.

const { join } = require('node:path')
const { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } = require('@electron/fuses')

const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
}

// electron-builder's Arch enum: arm64 is 3.
const ARM64 = 3

/** The file that holds the fuses: the executable (Linux, Windows) or the .app bundle (macOS). */
const electronBinary = (context) => {
  const { appOutDir, electronPlatformName, packager } = context
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${packager.appInfo.productFilename}.app`)
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`)
  return join(appOutDir, packager.executableName)
}

const afterPack = async (context) => {
  const binary = electronBinary(context)
  await flipFuses(binary, {
    version: FuseVersion.V1,
    // Apple Silicon refuses a binary whose ad-hoc signature no longer matches; a real signature comes after.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === ARM64,
    ...FUSES,
  })
  // Read back: a wire that did not take the settings must stop the packaging, not ship.
  const wire = await getCurrentFuseWire(binary)
  for (const [index, wanted] of Object.entries(FUSES)) {
    const state = wire[index]
    if (state === undefined) continue // a fuse this Electron does not have
    if (state !== (wanted ? 49 : 48) && state !== 114) {
      throw new Error(`after-pack: the fuse ${FuseV1Options[index]} of ${binary} is not ${wanted ? 'on' : 'off'} after flipping`)
    }
  }
}

module.exports = afterPack
module.exports.default = afterPack
module.exports.FUSES = FUSES
module.exports.electronBinary = electronBinary
