// The convolab command line: headless use of core, and how we check it from outside.

import type { Language } from '../../core'
import { ConvolabError } from '../../core'
import { messageOf } from '../../messages'
import { COMPUTE_USAGE, computeCommand } from './compute'
import { GRADCHECK_USAGE, gradcheckCommand } from './gradcheck'
import { EXPORT_USAGE, exportCommand } from './export'
import { COMPUTE_SESSION_USAGE, computeSessionCommand } from './compute-session'
import { SESSION_USAGE, sessionCommand } from './session'
import { STACK_COMPUTE_USAGE, stackComputeCommand, usesStack } from './stack-compute'
import { RECEPTIVE_FIELD_USAGE, receptiveFieldCommand } from './receptive-field'
import { STACK_GRADCHECK_USAGE, stackGradcheckCommand } from './stack-gradcheck'
import { serveCommand } from '../serve'

const USAGE = `Convolab: explore 2D convolutions forward and backward, identical to PyTorch.

usage:
  ${COMPUTE_USAGE}
  ${COMPUTE_SESSION_USAGE}
  ${SESSION_USAGE}
  ${STACK_COMPUTE_USAGE}
  ${RECEPTIVE_FIELD_USAGE}
  ${GRADCHECK_USAGE}
  ${STACK_GRADCHECK_USAGE}
  ${EXPORT_USAGE}
  convolab serve [--port N] [--open]   browser mode on 127.0.0.1
  convolab --version`

export function languageFromEnvironment(env: NodeJS.ProcessEnv = process.env): Language {
  const locale = env.CONVOLAB_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  return locale.toLowerCase().startsWith('es') ? 'es' : 'en'
}

export interface CliOutcome {
  code: number
  stdout: string
  stderr: string
}

export async function run(argv: string[], language: Language = languageFromEnvironment()): Promise<CliOutcome> {
  const [command, ...args] = argv
  try {
    switch (command) {
      case 'compute': {
        // --session: what a session file holds, instead of --input/--weight/... (src-main/cli/compute-session.ts).
        if (args.some((arg) => arg === '--session' || arg.startsWith('--session='))) {
          return { code: 0, stdout: await computeSessionCommand(args, language), stderr: '' }
        }
        const compute = usesStack(args) ? stackComputeCommand : computeCommand
        return { code: 0, stdout: await compute(args, language), stderr: '' }
      }
      case 'session':
        return { code: 0, stdout: await sessionCommand(args, language), stderr: '' }
      case 'receptive-field':
        return { code: 0, stdout: await receptiveFieldCommand(args, language), stderr: '' }
      case 'gradcheck': {
        const { text, passed } = usesStack(args) ? await stackGradcheckCommand(args, language) : gradcheckCommand(args, language)
        return { code: passed ? 0 : 1, stdout: text, stderr: '' }
      }
      case 'export':
        return { code: 0, stdout: await exportCommand(args, language), stderr: '' }
      case 'serve':
        await serveCommand(args)
        return { code: 0, stdout: '', stderr: '' }
      case '--version':
      case 'version':
        return { code: 0, stdout: `convolab ${process.env.CONVOLAB_VERSION ?? ''}`.trim(), stderr: '' }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return { code: command === undefined ? 2 : 0, stdout: USAGE, stderr: '' }
      default:
        throw new ConvolabError('cli-option', { reason: 'command', value: command })
    }
  } catch (error) {
    const message = error instanceof ConvolabError ? messageOf(error, language) : String((error as Error)?.message ?? error)
    return { code: 2, stdout: '', stderr: `convolab: ${message}` }
  }
}

export async function main(argv: string[]): Promise<void> {
  const outcome = await run(argv)
  if (outcome.stdout) process.stdout.write(outcome.stdout + '\n')
  if (outcome.stderr) process.stderr.write(outcome.stderr.replace(/\n/g, ' ') + '\n')
  process.exitCode = outcome.code
}
