import { stripVTControlCharacters } from 'node:util'

/**
 * cognito-local sends no e-mail: it logs each message it would have sent as a box of lines
 * ("Confirmation Code Delivery", then `Username:`, `Destination:`, `Code:`). Fed those lines one
 * by one, this calls `found(destination, code)` once per message.
 */
export function confirmationCodes(
  found?: (destination: string, code: string) => void,
): (line: string) => void {
  let inBox = false
  let destination: string | undefined
  return (raw) => {
    if (!found) return
    const line = stripVTControlCharacters(raw)
    if (line.includes('Confirmation Code Delivery')) {
      inBox = true
      destination = undefined
      return
    }
    if (!inBox) return
    const field = /[│|]\s*(Destination|Code):\s+(\S+)/.exec(line)
    if (field?.[1] === 'Destination') destination = field[2]
    else if (field?.[1] === 'Code' && field[2]) {
      found(destination ?? 'an unknown address', field[2])
      inBox = false
    } else if (/[╰└]/.test(line)) inBox = false
  }
}
