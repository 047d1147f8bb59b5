/** An inventory service, published and called through busmesh. */
@ModuleGen(name = "inventory", groupPackage = "com.example")
package com.example.inventory;

import io.vertx.codegen.annotations.ModuleGen;
