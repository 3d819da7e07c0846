/* Wire protocol constants shared by the firmware, its tests and the host link client (see ../PROTOCOL.md). */
#ifndef WL_PROTOCOL_H
#define WL_PROTOCOL_H

#define WL_PROTOCOL_VERSION 1u
#define WL_FW_VERSION_MAJOR 1u
#define WL_FW_VERSION_MINOR 0u
#define WL_FW_VERSION_PATCH 0u

/* Link replies. */
#define MSG_ACK 0x01u
#define MSG_NAK 0x02u

/* Host -> board. HEARTBEAT is unacknowledged (answered by STATUS); the others are commands that get ACK or NAK. */
#define MSG_HELLO 0x10u
#define MSG_HEARTBEAT 0x11u
#define MSG_OFF_HOOK 0x12u
#define MSG_ON_HOOK 0x13u
#define MSG_FLASH 0x14u
#define MSG_DIAL 0x15u
#define MSG_SET_BYPASS 0x16u
#define MSG_GET_STATUS 0x17u

/* Board -> host events: reliable, the host ACKs each one and the board retransmits until it does. */
#define EVT_RING 0x80u
#define EVT_CALLER_ID 0x81u
#define EVT_RING_END 0x82u
#define EVT_FAR_END_DISCONNECT 0x83u
#define EVT_BYPASS 0x84u
#define EVT_HOST_RETURNED 0x85u
#define EVT_FLASH_DONE 0x86u
#define EVT_DIAL_DONE 0x87u
#define EVT_CALL_PROGRESS 0x88u

/* Board -> host, unacknowledged. */
#define MSG_STATUS 0xA0u
#define MSG_BOOT 0xA1u

/* NAK reasons (first payload byte of a NAK). */
#define NAK_UNKNOWN_TYPE 1u
#define NAK_BAD_LENGTH 2u
#define NAK_VERSION 3u
#define NAK_NO_SESSION 4u
#define NAK_INVALID_STATE 5u
#define NAK_BYPASS 6u
#define NAK_BAD_VALUE 7u

/* STATUS / HELLO-ACK flag bits. */
#define STATUS_BYPASS 0x01u
#define STATUS_OFF_HOOK 0x02u
#define STATUS_RINGING 0x04u
#define STATUS_SESSION 0x08u
#define STATUS_LOOP_CURRENT 0x10u
#define STATUS_HOST_SILENT 0x20u

/* Why the bypass relay changed (EVT_BYPASS second byte). */
#define BYPASS_REASON_RESET 1u
#define BYPASS_REASON_WATCHDOG 2u
#define BYPASS_REASON_HOST 3u
#define BYPASS_REASON_CLAIMED 4u

/* Far-end disconnect causes. */
#define DISCONNECT_LOOP_DROP 1u
#define DISCONNECT_POLARITY_REVERSAL 2u

/* Call progress kinds (reported by the emulator's network simulation; on hardware the host detects tones in audio). */
#define PROGRESS_DIAL_TONE 1u
#define PROGRESS_RINGBACK 2u
#define PROGRESS_BUSY 3u
#define PROGRESS_ANSWERED 4u

/* Timing, milliseconds. */
#define HEARTBEAT_PERIOD_MS 200u
#define WATCHDOG_TIMEOUT_MS 1500u
#define EVENT_ACK_TIMEOUT_MS 100u
#define EVENT_MAX_TRIES 5u
#define FLASH_DEFAULT_MS 600u
#define FLASH_MIN_MS 50u
#define FLASH_MAX_MS 2000u
#define DIAL_MAX_DIGITS 32u
#define CALLER_ID_MAX_NUMBER 20u
#define CALLER_ID_MAX_NAME 15u
#define CALLER_ID_TIME_LEN 8u

#endif
