import { randomUUID } from 'node:crypto';

import { Logger, UseFilters, UseGuards } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';

import {
  WsAuthErrorCode,
  WsAuthException,
  WsAuthExceptionFilter,
  WsAuthGuard,
  type WsPrincipal,
  WsScopes,
  WsUser,
} from '../ws-auth/index.js';
import { parseChatMessagePayload, parseRoomPayload } from './chat.payloads.js';

/** Acknowledgement of a successful `chat:join` or `chat:leave`. */
export interface ChatOkAck {
  ok: true;
}

/** Acknowledgement of a successful `chat:message`, with the id the members receive. */
export interface ChatMessageAck {
  ok: true;
  id: string;
}

/** Event that room members receive for each message. */
export interface ChatMessageEvent {
  id: string;
  room: string;
  text: string;
  /** The sender's authenticated `sub`, never a name the client supplied. */
  from: string;
  /** Time the server accepted the message, ISO 8601. */
  sentAt: string;
}

/** Event that the other members of a room receive when someone joins or leaves it. */
export interface ChatPresenceEvent {
  room: string;
  user: string;
  event: 'joined' | 'left';
}

/** The demo chat, on the Socket.IO namespace `/chat`. Every handshake and message is authenticated. */
@UseGuards(WsAuthGuard)
@UseFilters(WsAuthExceptionFilter)
@WebSocketGateway({ namespace: '/chat' })
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);

  @WebSocketServer()
  private readonly server!: Namespace;

  /** Logs the socket id only: claim values such as `sub` stay out of the log. */
  handleConnection(socket: Socket): void {
    this.logger.log(`Socket ${socket.id} connected.`);
  }

  handleDisconnect(socket: Socket): void {
    this.logger.log(`Socket ${socket.id} disconnected.`);
  }

  @SubscribeMessage('chat:join')
  async join(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: unknown,
    @WsUser() user: WsPrincipal,
  ): Promise<ChatOkAck> {
    const { room } = parseRoomPayload(body);

    if (!socket.rooms.has(room)) {
      await socket.join(room);
      const presence: ChatPresenceEvent = { room, user: user.sub, event: 'joined' };
      socket.to(room).emit('chat:presence', presence);
    }
    return { ok: true };
  }

  @WsScopes('chat:write')
  @SubscribeMessage('chat:message')
  message(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: unknown,
    @WsUser() user: WsPrincipal,
  ): ChatMessageAck {
    const { room, text } = parseChatMessagePayload(body);

    if (!socket.rooms.has(room)) {
      throw new WsAuthException(WsAuthErrorCode.FORBIDDEN, `Join room "${room}" before sending to it.`);
    }

    const event: ChatMessageEvent = {
      id: randomUUID(),
      room,
      text,
      from: user.sub,
      sentAt: new Date().toISOString(),
    };
    this.server.to(room).emit('chat:message', event);
    return { ok: true, id: event.id };
  }

  @SubscribeMessage('chat:leave')
  async leave(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: unknown,
    @WsUser() user: WsPrincipal,
  ): Promise<ChatOkAck> {
    const { room } = parseRoomPayload(body);

    if (socket.rooms.has(room)) {
      await socket.leave(room);
      const presence: ChatPresenceEvent = { room, user: user.sub, event: 'left' };
      socket.to(room).emit('chat:presence', presence);
    }
    return { ok: true };
  }
}
