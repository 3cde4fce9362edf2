/** DMR's REPL help texts, less what this REPL lacks (`@file` inclusion, Ctrl+X to edit). */
export const USAGE = `Available Commands:
  /bye            Exit
  /set            Set a session variable
  /?, /help       Help for a command
  /? shortcuts    Help for keyboard shortcuts
  /? set          Help for /set command

Use """ to begin a multi-line message.

`;

export const USAGE_SHORTCUTS = `Available keyboard shortcuts:
  Ctrl + a            Move to the beginning of the line (Home)
  Ctrl + e            Move to the end of the line (End)
   Alt + b            Move back (left) one word
   Alt + f            Move forward (right) one word
  Ctrl + k            Delete the sentence after the cursor
  Ctrl + u            Delete the sentence before the cursor
  Ctrl + w            Delete the word before the cursor

  Ctrl + l            Clear the screen
  Ctrl + c            Stop the model from responding
  Ctrl + d            Exit (/bye)

`;

export const USAGE_SET = `Available /set commands:
  /set system <message>       Set system message for the conversation
  /set num_ctx <n>            Set context window size (in tokens)
  /set parameter num_ctx <n>  Set context window size (in tokens) [deprecated]

`;
