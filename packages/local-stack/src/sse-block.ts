/** One block of a text/event-stream, as a browser's EventSource parses it. */
export interface SseBlock {
  event?: string
  id?: string
  data?: string
  retry?: number
  comments: string[]
}

/** The lines of one block (between blank lines) → its fields; unknown fields are ignored, as EventSource does. */
export function parseSseBlock(lines: string[]): SseBlock {
  const block: SseBlock = { comments: [] }
  const data: string[] = []
  for (const line of lines) {
    if (line.startsWith(':')) {
      block.comments.push(line.slice(1).trim())
      continue
    }
    const cut = line.indexOf(':')
    const field = cut === -1 ? line : line.slice(0, cut)
    const value = cut === -1 ? '' : line.slice(cut + 1).replace(/^ /, '')
    if (field === 'event') block.event = value
    else if (field === 'id') block.id = value
    else if (field === 'data') data.push(value)
    else if (field === 'retry' && /^\d+$/.test(value)) block.retry = Number(value)
  }
  if (data.length > 0) block.data = data.join('\n')
  return block
}
